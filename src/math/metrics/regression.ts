import { checkFinite, checkWeights, requireLength, requireNonEmpty, weightAt } from './validate.js';
import type { Scores, Weights } from './validate.js';

function check(metric: string, yTrue: Scores, yPred: Scores, weights: Weights | undefined): number {
  requireNonEmpty(yTrue.length, metric, 'yTrue');
  requireLength(yTrue.length, yPred, metric, 'yPred');
  checkFinite(yTrue, metric, 'yTrue');
  checkFinite(yPred, metric, 'yPred');
  return checkWeights(yTrue.length, weights, metric);
}

/** Mean squared error (1/W) Σ wᵢ (yᵢ − ŷᵢ)² (sklearn.metrics.mean_squared_error). */
export function meanSquaredError(yTrue: Scores, yPred: Scores, options: { sampleWeight?: Weights } = {}): number {
  const total = check('meanSquaredError', yTrue, yPred, options.sampleWeight);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const d = yTrue[i]! - yPred[i]!;
    sum += weightAt(options.sampleWeight, i) * d * d;
  }
  return sum / total;
}

/** Mean absolute error (1/W) Σ wᵢ |yᵢ − ŷᵢ| (sklearn.metrics.mean_absolute_error). */
export function meanAbsoluteError(yTrue: Scores, yPred: Scores, options: { sampleWeight?: Weights } = {}): number {
  const total = check('meanAbsoluteError', yTrue, yPred, options.sampleWeight);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += weightAt(options.sampleWeight, i) * Math.abs(yTrue[i]! - yPred[i]!);
  return sum / total;
}

/**
 * Coefficient of determination R² = 1 − SS_res / SS_tot (sklearn.metrics.r2_score with force_finite=True:
 * constant targets give 1 for a perfect prediction and 0 otherwise, instead of NaN / −∞).
 */
export function r2Score(yTrue: Scores, yPred: Scores, options: { sampleWeight?: Weights } = {}): number {
  const w = options.sampleWeight;
  const total = check('r2Score', yTrue, yPred, w);
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += weightAt(w, i) * yTrue[i]!;
  mean /= total;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const wi = weightAt(w, i);
    ssRes += wi * (yTrue[i]! - yPred[i]!) ** 2;
    ssTot += wi * (yTrue[i]! - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
