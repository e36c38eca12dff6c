import { GlassboxError } from '../errors.js';
import type { LabelledProbabilities } from './inputs.js';
import { labelCounts } from './inputs.js';
import { roundPreservingRowTotals, stableArgsort } from './rounding.js';

/** How the confident joint's off-diagonal counts pick rows, as cleanlab's `filter_by`. */
export type FilterBy = 'prune_by_noise_rate' | 'prune_by_class' | 'both';
export const FILTER_BY: readonly FilterBy[] = ['prune_by_noise_rate', 'prune_by_class', 'both'];

/** A probability margin within which a prediction counts as agreeing with the given label (cleanlab's FLOATING_POINT_COMPARISON). */
const AGREE = 1e-6;

/**
 * The number of rows to prune per (true class, given label), from the calibrated joint: cleanlab's
 * `_keep_at_least_n_per_class` on Cᵀ. Each diagonal (rows kept) is raised to at least `minPerClass`, the
 * increase taken evenly from the column's non-zero off-diagonals; off-diagonals are scaled by `fracNoise`
 * and truncated to integers. Returned k × k row-major as P[true][given].
 */
export function pruneCounts(calibrated: Float64Array, k: number, minPerClass: number, fracNoise: number): Float64Array {
  const m = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) m[i * k + j] = calibrated[j * k + i]!;
  for (let col = 0; col < k; col++) {
    const diag = m[col * k + col]!;
    const raised = Math.max(diag, minPerClass);
    let nonZero = 0;
    for (let r = 0; r < k; r++) if (m[r * k + col] !== 0) nonZero++;
    const share = (raised - diag) / Math.max(nonZero - 1, 1);
    for (let r = 0; r < k; r++) if (r !== col) m[r * k + col] = Math.max(m[r * k + col]! - share, 0);
    m[col * k + col] = raised;
  }
  // scale the noise counts by fracNoise, give the rest back to the diagonal, truncate (numpy astype(int))
  for (let col = 0; col < k; col++) {
    let removed = 0;
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const scaled = m[r * k + col]! * fracNoise;
      removed += m[r * k + col]! - scaled;
      m[r * k + col] = scaled;
    }
    m[col * k + col]! += removed;
  }
  return roundPreservingRowTotals(Float64Array.from(m, Math.trunc), k);
}

/** Rows labelled `y`, in row order. */
function rowsWithLabel(labels: Int32Array, y: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === y) out.push(i);
  return Int32Array.from(out);
}

/**
 * Rows whose given label looks wrong (Northcutt et al. 2021, §3.2; cleanlab's `find_label_issues`):
 * - `prune_by_noise_rate`: for each given label ỹ and other class j, the C[ỹ][j] rows labelled ỹ with the
 *   largest margin p̂(j | x) − p̂(ỹ | x);
 * - `prune_by_class`: for each given label ỹ, the n_ỹ − C[ỹ][ỹ] rows labelled ỹ with the lowest p̂(ỹ | x);
 * - `both`: rows chosen by both.
 * Classes with at most `minPerClass` rows are left alone. Finally rows whose most probable class is their
 * given label (within 1e-6) are never flagged. Ties are broken by row order (cleanlab leaves them to
 * numpy's sort).
 * @returns a 0/1 mask over the rows.
 */
export function pruneLabelIssues(input: LabelledProbabilities, calibrated: Float64Array, options: { filterBy: FilterBy; minPerClass: number; fracNoise: number }): Uint8Array {
  const { probabilities, labels, n, k } = input;
  if (!FILTER_BY.includes(options.filterBy)) throw new GlassboxError('invalid_argument', `filterBy must be one of ${FILTER_BY.join(', ')}; got "${options.filterBy}".`, { argument: 'filterBy' });
  if (!(options.fracNoise > 0 && options.fracNoise <= 1)) throw new GlassboxError('invalid_argument', `fracNoise must be in (0, 1]; got ${options.fracNoise}.`, { argument: 'fracNoise' });
  if (!(Number.isInteger(options.minPerClass) && options.minPerClass >= 0)) throw new GlassboxError('invalid_argument', `minPerClass must be an integer ≥ 0; got ${options.minPerClass}.`, { argument: 'minPerClass' });
  const prune = pruneCounts(calibrated, k, options.minPerClass, options.fracNoise);
  const counts = labelCounts(labels, k);
  const byClass = new Uint8Array(n);
  const byNoise = new Uint8Array(n);
  for (let y = 0; y < k; y++) {
    if (counts[y]! <= options.minPerClass) continue;
    const rows = rowsWithLabel(labels, y);
    if (options.filterBy !== 'prune_by_noise_rate') {
      const issues = counts[y]! - prune[y * k + y]!;
      const order = stableArgsort(Float64Array.from(rows, (i) => probabilities[i * k + y]!));
      for (let t = 0; t < issues && t < rows.length; t++) byClass[rows[order[t]!]!] = 1;
    }
    if (options.filterBy !== 'prune_by_class') {
      for (let j = 0; j < k; j++) {
        const count = prune[j * k + y]!;
        if (j === y || count <= 0) continue;
        const order = stableArgsort(Float64Array.from(rows, (i) => probabilities[i * k + y]! - probabilities[i * k + j]!));
        for (let t = 0; t < count && t < rows.length; t++) byNoise[rows[order[t]!]!] = 1;
      }
    }
  }
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    mask[i] = options.filterBy === 'prune_by_class' ? byClass[i]! : options.filterBy === 'prune_by_noise_rate' ? byNoise[i]! : byClass[i]! & byNoise[i]!;
    if (mask[i] && agreesWithLabel(probabilities, i, k, labels[i]!)) mask[i] = 0;
  }
  return mask;
}

/** Whether the given label is the most probable class once it gets a 1e-6 head start (cleanlab's `_reduce_issues`). */
function agreesWithLabel(probabilities: Float64Array, i: number, k: number, y: number): boolean {
  const own = probabilities[i * k + y]! + AGREE;
  for (let c = 0; c < k; c++) if (c !== y && probabilities[i * k + c]! > own) return false;
  // ties: numpy's argmax takes the first index
  for (let c = 0; c < y; c++) if (probabilities[i * k + c]! === own) return false;
  return true;
}
