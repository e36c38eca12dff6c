import { GlassboxError } from '../../errors.js';
import { matrixWidth } from './ranking.js';
import { checkFinite, checkLabels, checkWeights, requireLength, weightAt } from './validate.js';
import type { Labels, Scores, Weights } from './validate.js';

/**
 * Binary Brier score (1/W) Σ wᵢ (pᵢ − 1[yᵢ = positive])² on P(positive)
 * (sklearn.metrics.brier_score_loss). Brier (1950), "Verification of forecasts expressed in terms of probability".
 */
export function brierScore(labels: Labels, scores: Scores, options: { sampleWeight?: Weights; positiveClass?: number } = {}): number {
  const metric = 'brierScore';
  checkLabels(labels, metric);
  requireLength(labels.length, scores, metric, 'scores');
  checkFinite(scores, metric, 'scores');
  const total = checkWeights(labels.length, options.sampleWeight, metric);
  const positive = options.positiveClass ?? 1;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const d = scores[i]! - (labels[i] === positive ? 1 : 0);
    sum += weightAt(options.sampleWeight, i) * d * d;
  }
  return sum / total;
}

/**
 * Multiclass Brier score: (1/W) Σᵢ wᵢ Σₖ (pᵢₖ − 1[yᵢ = k])² from a row-major n × k matrix (Brier's original
 * definition; ranges over [0, 2]; for k = 2 it is twice the binary score).
 */
export function brierScoreMulticlass(labels: Labels, probabilities: Scores, options: { sampleWeight?: Weights } = {}): number {
  const metric = 'brierScoreMulticlass';
  const n = labels.length;
  const kSeen = checkLabels(labels, metric);
  checkFinite(probabilities, metric, 'probabilities');
  const total = checkWeights(n, options.sampleWeight, metric);
  const k = matrixWidth(n, probabilities, metric, 'probabilities');
  if (kSeen > k) {
    throw new GlassboxError('shape_mismatch', `${metric}: labels go up to class ${kSeen - 1} but probabilities have ${k} columns.`, {
      argument: 'probabilities',
      hint: 'Give one probability column per class.',
    });
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let c = 0; c < k; c++) {
      const d = probabilities[i * k + c]! - (labels[i] === c ? 1 : 0);
      row += d * d;
    }
    sum += weightAt(options.sampleWeight, i) * row;
  }
  return sum / total;
}
