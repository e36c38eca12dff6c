import type { LabelledProbabilities } from './inputs.js';
import { labelCounts } from './inputs.js';
import { roundPreservingRowTotals } from './rounding.js';

/** cleanlab's floor on a threshold and its tolerance in comparisons. */
const THRESHOLD_FLOOR = 2e-6;
const TOLERANCE = 1e-6;
/** Threshold of a class no row is labelled with: no probability reaches it, so no row is counted into it. */
const UNREACHABLE = 2;
const TINY = 1e-100;

/**
 * Per-class thresholds t_j = mean of p̂(j | x) over the rows labelled j — the expected self-confidence of
 * class j (Northcutt, Jiang & Chuang 2021, "Confident learning", JAIR 70, eq. 2; cleanlab's
 * `get_confident_thresholds`). A class without rows gets an unreachable threshold.
 */
export function confidentThresholds({ probabilities, labels, n, k }: LabelledProbabilities): Float64Array {
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    sums[y]! += probabilities[i * k + y]!;
    counts[y]! += 1;
  }
  return Float64Array.from(sums, (s, j) => (counts[j]! > 0 ? Math.max(s / counts[j]!, THRESHOLD_FLOOR) : UNREACHABLE));
}

/** The confident joint and, per row, the class it was confidently counted into (−1: none). */
export interface ConfidentJoint {
  /** k × k row-major counts C[given][true], before calibration. */
  readonly counts: Float64Array;
  /** Per row: the true-label guess it was counted under, −1 when no class reached its threshold. */
  readonly trueLabelGuess: Int32Array;
  readonly thresholds: Float64Array;
}

/**
 * The confident joint C[ỹ][y*] (Northcutt et al. 2021, eq. 1; cleanlab's `compute_confident_joint`): a row
 * with given label ỹ is counted into the true class j when p̂(j | x) ≥ t_j; when several classes pass
 * their thresholds, into the most probable one; rows that pass none are not counted. Each diagonal entry is
 * at least 1, as in cleanlab.
 */
export function confidentJoint(input: LabelledProbabilities, thresholds = confidentThresholds(input)): ConfidentJoint {
  const { probabilities, labels, n, k } = input;
  const counts = new Float64Array(k * k);
  const guess = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let confident = -1;
    let passing = 0;
    let argmax = 0;
    for (let c = 0; c < k; c++) {
      const p = probabilities[row + c]!;
      if (p > probabilities[row + argmax]!) argmax = c;
      if (p >= thresholds[c]! - TOLERANCE) {
        passing++;
        if (confident < 0) confident = c;
      }
    }
    if (passing === 0) continue;
    const j = passing > 1 ? argmax : confident;
    guess[i] = j;
    counts[labels[i]! * k + j]! += 1;
  }
  for (let c = 0; c < k; c++) counts[c * k + c] = Math.max(counts[c * k + c]!, 1);
  return { counts, trueLabelGuess: guess, thresholds };
}

/**
 * Calibrates a confident joint so that each row sums to the number of rows with that given label and the
 * whole to n, then rounds each row to integers preserving its total (Northcutt et al. 2021, eq. 3;
 * cleanlab's `calibrate_confident_joint`). The result is an estimate of the joint counts of given and
 * true labels.
 */
export function calibrateConfidentJoint(counts: Float64Array, labels: Int32Array, k: number): Float64Array {
  const perLabel = labelCounts(labels, k);
  const scaled = new Float64Array(k * k);
  let total = 0;
  for (let r = 0; r < k; r++) {
    let rowSum = 0;
    for (let c = 0; c < k; c++) rowSum += counts[r * k + c]!;
    for (let c = 0; c < k; c++) {
      scaled[r * k + c] = (counts[r * k + c]! / Math.max(rowSum, TINY)) * perLabel[r]!;
      total += scaled[r * k + c]!;
    }
  }
  const n = labels.length;
  for (let i = 0; i < k * k; i++) scaled[i] = (scaled[i]! / Math.max(total, TINY)) * n;
  return roundPreservingRowTotals(scaled, k);
}
