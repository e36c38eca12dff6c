import { GlassboxError, throwIfAborted } from '../errors.js';
import { stratifiedFolds } from '../math/stratified-folds.js';
import { logisticLearner, type ProbabilisticLearner } from './learners.js';

export interface CrossFitOptions {
  /** Number of folds K (default 5, as cleanlab's cv_n_folds). */
  readonly folds?: number;
  /** Seed of the fold assignment (default 0). */
  readonly seed?: number;
  /** The learner fitted on each K−1 folds (default logistic regression). */
  readonly learner?: ProbabilisticLearner;
  readonly signal?: AbortSignal;
  /** Called after each fold with the number of folds done. */
  readonly onFold?: (done: number, total: number) => void;
}

export interface CrossFitted {
  /** n × k out-of-sample probabilities: row i's come from the model that did not see fold[i]. */
  readonly probabilities: Float64Array;
  /** Fold of each row, 0..K−1. */
  readonly fold: Int32Array;
  readonly folds: number;
  readonly learner: string;
  readonly seed: number;
  /** Classes with fewer rows than folds (some fold models never saw them). */
  readonly sparseClasses: readonly number[];
}

/**
 * Out-of-sample class probabilities by K-fold cross-fitting (cleanlab's `estimate_cv_predicted_probabilities`;
 * Northcutt et al. 2021 §4): the learner is fitted on K−1 folds and predicts the held-out fold, so no row's
 * probabilities come from a model that saw its label.
 *
 * @param x n × d row-major features.
 * @param labels class index per row, 0..k−1.
 */
export function crossFitProbabilities(x: Float64Array, n: number, d: number, labels: Int32Array, k: number, options: CrossFitOptions = {}): CrossFitted {
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw new GlassboxError('invalid_argument', `folds must be an integer ≥ 2; got ${folds}.`, { argument: 'folds', hint: 'e.g. 5' });
  if (x.length !== n * d) throw new GlassboxError('shape_mismatch', `crossFitProbabilities: ${x.length} values do not form ${n} × ${d}.`, { argument: 'x' });
  if (labels.length !== n) throw new GlassboxError('shape_mismatch', `crossFitProbabilities: ${labels.length} labels for ${n} rows.`, { argument: 'labels' });
  if (n < folds) throw new GlassboxError('invalid_input', `${n} labelled rows cannot be split into ${folds} folds.`, { argument: 'folds', hint: 'Use fewer folds or more rows.' });
  for (let i = 0; i < n; i++) {
    if (!(labels[i]! >= 0 && labels[i]! < k)) throw new GlassboxError('invalid_input', `The label of row ${i} is ${labels[i]}; labels are class indices 0..${k - 1}.`, { argument: 'labels', row: i });
  }
  const learner = options.learner ?? logisticLearner();
  for (let i = 0; i < x.length && !learner.acceptsMissing; i++) {
    if (!Number.isFinite(x[i]!)) throw new GlassboxError('invalid_input', `Feature ${i % d} of row ${Math.floor(i / d)} is ${x[i]}; the baseline needs finite features.`, { argument: 'x', row: Math.floor(i / d), hint: 'Impute or drop missing values first (--missing impute).' });
  }
  const seed = options.seed ?? 0;
  const fold = stratifiedFolds(labels, k, folds, seed);
  const probabilities = new Float64Array(n * k);
  for (let f = 0; f < folds; f++) {
    throwIfAborted(options.signal);
    const train = rowsWhere(fold, (v) => v !== f);
    const test = rowsWhere(fold, (v) => v === f);
    const predict = learner.fit(gather(x, d, train), train.length, d, Int32Array.from(train, (i) => labels[i]!), k, options.signal);
    const p = predict(gather(x, d, test), test.length);
    test.forEach((i, t) => probabilities.set(p.subarray(t * k, (t + 1) * k), i * k));
    options.onFold?.(f + 1, folds);
  }
  const counts = new Int32Array(k);
  for (const y of labels) counts[y]!++;
  const sparseClasses = Array.from(counts.keys()).filter((c) => counts[c]! > 0 && counts[c]! < folds);
  return { probabilities, fold, folds, learner: learner.name, seed, sparseClasses };
}

function rowsWhere(fold: Int32Array, keep: (f: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < fold.length; i++) if (keep(fold[i]!)) out.push(i);
  return Int32Array.from(out);
}

function gather(x: Float64Array, d: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * d);
  rows.forEach((i, t) => out.set(x.subarray(i * d, (i + 1) * d), t * d));
  return out;
}
