import { GlassboxError } from '../../errors.js';
import { Rng } from '../../rng.js';
import { checkLabels, checkProbabilities } from './check-inputs.js';
import { conformalQuantile, conformalQuantilesByBin, checkAlpha, type ConformalQuantile } from './quantile.js';
import { resolveScore, rowScores, scoreScratch, type ResolvedScore, type ScoreOptions } from './scores.js';

/**
 * Which calibration rows each threshold comes from: all of them (marginal coverage), those of each true
 * class (class-conditional, "Mondrian" over labels), or those of each group of a known attribute
 * (group-conditional: the group of a test row must be known when its set is made).
 */
export type ConformalConditioning = 'marginal' | 'class' | 'group';

export interface ConformalClassifierOptions extends ScoreOptions {
  /** Miscoverage level: sets hold the true class with probability ≥ 1 − α. */
  readonly alpha: number;
  readonly conditioning?: ConformalConditioning;
  /** Seeds the uniform draws of the randomised scores (default 0). */
  readonly seed?: number;
}

/** A calibrated split-conformal classifier: one threshold, or one per class or group. */
export interface ConformalClassifier {
  readonly alpha: number;
  readonly k: number;
  readonly score: ResolvedScore;
  readonly conditioning: ConformalConditioning;
  readonly seed: number;
  /** Marginal: one entry. Class: one per class. Group: one per group code. */
  readonly thresholds: readonly ConformalQuantile[];
  /** Calibration scores (of each row's true class), in calibration row order. */
  readonly calibrationScores: Float64Array;
}

/** Prediction sets as a 0/1 mask (row-major n × k) and their sizes. */
export interface PredictionSets {
  readonly n: number;
  readonly k: number;
  readonly mask: Uint8Array;
  readonly sizes: Int32Array;
}

/** Two independent uniform streams from one seed: calibration rows and test rows never share draws. */
function streams(seed: number): { calibration: Rng; test: Rng } {
  const root = new Rng(seed);
  return { calibration: root.fork(), test: root.fork() };
}

function checkGroups(groups: ArrayLike<number> | undefined, n: number, name: string): { codes: ArrayLike<number>; count: number } {
  if (!groups) throw new GlassboxError('invalid_argument', `${name}: group-conditional calibration needs a group code per row.`, { argument: name, hint: 'Pass groups (0-based codes, −1 for none) for the calibration and the test rows.' });
  if (groups.length !== n) throw new GlassboxError('shape_mismatch', `${name} has ${groups.length} entries for ${n} rows.`, { argument: name });
  let count = 0;
  for (let i = 0; i < n; i++) count = Math.max(count, groups[i]! + 1);
  return { codes: groups, count };
}

/**
 * Split-conformal calibration (Papadopoulos et al. 2002; Vovk et al. 2005): scores of the true class on
 * held-out calibration rows and their ⌈(n+1)(1−α)⌉-th smallest as q̂ — per class or per group when
 * conditioned (Mondrian). `probs` is n × k probabilities, `labels` class indices.
 */
export function calibrateConformalClassifier(probs: ArrayLike<number>, k: number, labels: ArrayLike<number>, options: ConformalClassifierOptions, groups?: ArrayLike<number>): ConformalClassifier {
  checkAlpha(options.alpha);
  const score = resolveScore(options);
  const n = checkProbabilities(probs, k, 'calibration predictions', score.score !== 'lac');
  checkLabels(labels, n, k, 'calibration labels');
  const conditioning = options.conditioning ?? 'marginal';
  const seed = options.seed ?? 0;
  const rng = streams(seed).calibration;
  const scratch = scoreScratch(k);
  const all = new Float64Array(k);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    rowScores(probs, i, k, score, score.randomized ? rng.next() : 0, scratch, all);
    scores[i] = all[labels[i]!]!;
  }
  let thresholds: ConformalQuantile[];
  if (conditioning === 'marginal') thresholds = [conformalQuantile(scores, options.alpha)];
  else if (conditioning === 'class') thresholds = conformalQuantilesByBin(scores, labels, k, options.alpha);
  else {
    const g = checkGroups(groups, n, 'calibration groups');
    thresholds = conformalQuantilesByBin(scores, g.codes, g.count, options.alpha);
  }
  return { alpha: options.alpha, k, score, conditioning, seed, thresholds, calibrationScores: scores };
}

/**
 * The prediction set of each row: {c : score_c ≤ q̂} (q̂ of class c when class-conditional, q̂ of the
 * row's group when group-conditional; a group unseen in calibration, or code −1 under group
 * conditioning, gets every class). Sets may be empty for APS/RAPS when even the top class's score
 * exceeds q̂ — see docs/uncertainty.md.
 */
export function predictSets(model: ConformalClassifier, probs: ArrayLike<number>, groups?: ArrayLike<number>): PredictionSets {
  const { k } = model;
  const n = checkProbabilities(probs, k, 'predictions', model.score.score !== 'lac');
  const groupCodes = model.conditioning === 'group' ? checkGroups(groups, n, 'groups').codes : undefined;
  const rng = streams(model.seed).test;
  const scratch = scoreScratch(k);
  const all = new Float64Array(k);
  const mask = new Uint8Array(n * k);
  const sizes = new Int32Array(n);
  const marginal = model.thresholds[0]?.qhat ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    rowScores(probs, i, k, model.score, model.score.randomized ? rng.next() : 0, scratch, all);
    const g = groupCodes ? groupCodes[i]! : -1;
    const groupQ = groupCodes ? (model.thresholds[g]?.qhat ?? Number.POSITIVE_INFINITY) : marginal;
    let size = 0;
    for (let c = 0; c < k; c++) {
      const q = model.conditioning === 'class' ? model.thresholds[c]!.qhat : groupQ;
      if (all[c]! <= q) {
        mask[i * k + c] = 1;
        size++;
      }
    }
    sizes[i] = size;
  }
  return { n, k, mask, sizes };
}

/** The classes of row i's set, in class order. */
export function setOf(sets: PredictionSets, i: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < sets.k; c++) if (sets.mask[i * sets.k + c]) out.push(c);
  return out;
}
