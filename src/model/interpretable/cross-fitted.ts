import type { RawMatrix } from '../../encode/encoder.js';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { Model, PredictOptions } from '../model.js';
import type { Tensor } from '../tensor.js';
import type { LearnerFeature } from './binning.js';
import { checkLearnerInputs } from './check-inputs.js';
import { fitGam } from './gam/fit-gam.js';
import { gamScores } from './gam/predict-gam.js';
import type { Gam, GamOptions, LearnerTask } from './gam/types.js';
import { learnerModel } from './learner-model.js';

export interface CrossFittedOptions {
  /** Number of folds K (default 5). */
  readonly folds?: number;
  readonly seed?: number;
  readonly gam?: GamOptions;
  readonly classes?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onFold?: (done: number, total: number) => void;
}

/** FNV-1a over the float32 bits of one row, mixed with the seed: the row's fold, the same for equal rows. */
function rowFold(values: Float32Array, start: number, width: number, seed: number, folds: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  const bits = new Uint32Array(values.buffer, values.byteOffset + start * 4, width);
  for (let k = 0; k < width; k++) {
    let v = bits[k]!;
    if (v === 0x80000000) v = 0; // −0 and +0 are the same value
    for (let b = 0; b < 4; b++) {
      h ^= (v >>> (8 * b)) & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h % folds;
}

/**
 * A cross-fitted GAM as one Model: K GAMs, each fitted without one fold of the rows. A row's fold is a
 * hash of its feature values (as the float32 the Model receives), so every training row is predicted by
 * the GAM that never saw it — out-of-fold predictions (Chernozhukov et al. 2018's cross-fitting) — and any
 * other row, e.g. a perturbed copy, by the GAM of the fold its values hash to. Equal rows share a fold,
 * so duplicates cannot leak their labels into each other's predictions.
 */
export function crossFittedGam(raw: RawMatrix, y: ArrayLike<number>, features: readonly LearnerFeature[], task: LearnerTask, options: CrossFittedOptions = {}): Model & { readonly gams: readonly Gam[]; readonly folds: number; readonly fold: Int32Array } {
  const target = checkLearnerInputs(raw, y, features, task, 'crossFittedGam');
  const K = options.folds ?? 5;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(K) && K >= 2 && K <= raw.nRows)) throw new GlassboxError('invalid_argument', `crossFittedGam: folds = ${K} must be an integer in [2, rows].`, { argument: 'folds', hint: 'Use e.g. 5.' });
  const F = raw.nFeatures;
  const asFloat = Float32Array.from(raw.data);
  const fold = Int32Array.from({ length: raw.nRows }, (_, i) => rowFold(asFloat, i * F, F, seed, K));
  const gams: Gam[] = [];
  for (let k = 0; k < K; k++) {
    throwIfAborted(options.signal);
    const rows: number[] = [];
    for (let i = 0; i < raw.nRows; i++) if (fold[i] !== k) rows.push(i);
    const data = new Float64Array(rows.length * F);
    rows.forEach((i, r) => data.set(raw.data.subarray(i * F, (i + 1) * F), r * F));
    gams.push(fitGam({ data, nRows: rows.length, nFeatures: F }, Float64Array.from(rows, (i) => target[i]!), features, task, { seed: seed + k, ...options.gam, ...(options.signal ? { signal: options.signal } : {}) }));
    options.onFold?.(k + 1, K);
  }
  const score = (x: RawMatrix): Float64Array => {
    const out = new Float64Array(x.nRows);
    const asF = Float32Array.from(x.data);
    const byFold = gams.map((gam) => gamScores(gam, x));
    for (let i = 0; i < x.nRows; i++) out[i] = byFold[rowFold(asF, i * F, F, seed, K)]![i]!;
    return out;
  };
  const base = learnerModel({ task, ...(options.classes ? { classes: options.classes } : {}), features, score, name: `cross-fitted GAM (${K} folds)` });
  return Object.freeze({ ...base, predict: (x: Tensor, o?: PredictOptions) => base.predict(x, o), gams, folds: K, fold });
}

