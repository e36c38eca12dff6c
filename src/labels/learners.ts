import { GlassboxError } from '../errors.js';
import { fitLogisticRegression, logisticProbabilities } from '../math/logistic-regression.js';
import type { LearnerFeature } from '../model/interpretable/binning.js';
import { fitGam } from '../model/interpretable/gam/fit-gam.js';
import { gamScores } from '../model/interpretable/gam/predict-gam.js';
import type { GamOptions } from '../model/interpretable/gam/types.js';

/** Class probabilities for n rows of d features, n × k row-major. */
export type PredictProbabilities = (x: Float64Array, n: number) => Float64Array;

/**
 * A learner that cross-fitting trains once per fold: `fit` sees the training rows (n × d, row-major) and
 * their labels in 0..k−1 and returns the fitted model's class probabilities. It must be deterministic.
 */
export interface ProbabilisticLearner {
  readonly name: string;
  /** The learner reads missing values (NaN) itself; cross-fitting then lets them through. */
  readonly acceptsMissing?: boolean;
  fit(x: Float64Array, n: number, d: number, y: Int32Array, k: number, signal?: AbortSignal): PredictProbabilities;
}

/**
 * Multinomial logistic regression with an L2 penalty (`src/math/logistic-regression.ts`, as scikit-learn's
 * `make_pipeline(StandardScaler(), LogisticRegression(C))`) — cleanlab's default classifier.
 */
export function logisticLearner(options: { c?: number; maxIterations?: number } = {}): ProbabilisticLearner {
  const c = options.c ?? 1;
  return {
    name: `logistic regression (C=${c})`,
    fit(x, n, d, y, k, signal) {
      const model = fitLogisticRegression(x, n, d, y, { c, classes: k, maxIterations: options.maxIterations ?? 300, ...(signal ? { signal } : {}) });
      return (rows, m) => logisticProbabilities(model, rows, m);
    },
  };
}

/** Largest feature count the quadratic expansion accepts (d + d(d+1)/2 columns). */
export const QUADRATIC_MAX_FEATURES = 40;

/**
 * Logistic regression on the features, their squares and pairwise products: a degree-2 polynomial
 * decision boundary, for classes that no hyperplane separates (rings, XOR-like layouts).
 */
export function quadraticLogisticLearner(options: { c?: number; maxIterations?: number } = {}): ProbabilisticLearner {
  const linear = logisticLearner(options);
  return {
    name: `logistic regression on degree-2 features (C=${options.c ?? 1})`,
    fit(x, n, d, y, k, signal) {
      if (d > QUADRATIC_MAX_FEATURES) throw new GlassboxError('invalid_argument', `The quadratic baseline expands ${d} features into ${d + (d * (d + 1)) / 2}; it accepts at most ${QUADRATIC_MAX_FEATURES}.`, { argument: 'baseline', hint: 'Use the logistic baseline, or pass probabilities of your own model.' });
      const predict = linear.fit(quadraticFeatures(x, n, d), n, quadraticWidth(d), y, k, signal);
      return (rows, m) => predict(quadraticFeatures(rows, m, d), m);
    },
  };
}

function quadraticWidth(d: number): number {
  return d + (d * (d + 1)) / 2;
}

/** [x, x_a·x_b for a ≤ b], n × (d + d(d+1)/2). */
export function quadraticFeatures(x: Float64Array, n: number, d: number): Float64Array {
  const w = quadraticWidth(d);
  const out = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let o = i * w;
    for (let a = 0; a < d; a++) out[o++] = x[row + a]!;
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) out[o++] = x[row + a]! * x[row + b]!;
  }
  return out;
}

/**
 * The EBM-style GAM (`src/model/interpretable/gam`: cyclic boosting of per-feature shape functions with
 * bagging and FAST pairs) for two classes. It learns from the raw ordinal-coded features — x is a raw matrix
 * whose columns are `features` — so it captures non-linear effects and reads missing values itself.
 */
export function gamLearner(features: readonly LearnerFeature[], options: GamOptions = {}): ProbabilisticLearner {
  return {
    name: 'EBM-style GAM',
    acceptsMissing: true,
    fit(x, n, d, y, k, signal) {
      if (k !== 2) throw new GlassboxError('invalid_argument', `The GAM baseline handles two classes; the labels have ${k}.`, { argument: 'baseline', hint: 'Use the logistic baseline for more than two classes.' });
      if (d !== features.length) throw new GlassboxError('shape_mismatch', `The GAM baseline has ${features.length} features; x has ${d} columns.`, { argument: 'x' });
      const gam = fitGam({ data: x, nRows: n, nFeatures: d }, y, features, 'binary', { ...options, ...(signal ? { signal } : {}) });
      return (rows, m) => {
        const scores = gamScores(gam, { data: rows, nRows: m, nFeatures: d });
        const out = new Float64Array(2 * m);
        for (let i = 0; i < m; i++) {
          const p = 1 / (1 + Math.exp(-scores[i]!));
          out[2 * i] = 1 - p;
          out[2 * i + 1] = p;
        }
        return out;
      };
    },
  };
}
