import { binaryCurve, binaryTargets } from './ranking.js';
import type { Labels, Scores, Weights } from './validate.js';

/**
 * Average precision, the step-wise area under the precision–recall curve:
 * AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ over distinct thresholds in decreasing order (sklearn.metrics.average_precision_score;
 * no interpolation). Tied scores form one threshold. With no positive labels the value is NaN
 * (sklearn returns 0 with a warning; recall is undefined there).
 */
export function averagePrecision(labels: Labels, scores: Scores, options: { sampleWeight?: Weights; positiveClass?: number } = {}): number {
  const positive = binaryTargets(labels, scores, options.sampleWeight, 'averagePrecision', options.positiveClass ?? 1);
  const { tps, fps } = binaryCurve(positive, scores, options.sampleWeight);
  const m = tps.length;
  const totalP = tps[m - 1]!;
  if (totalP === 0) return Number.NaN;
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < m; i++) {
    const tp = tps[i]!;
    const predicted = tp + fps[i]!;
    const prec = predicted === 0 ? 0 : tp / predicted;
    const rec = tp / totalP;
    ap += (rec - prevRecall) * prec;
    prevRecall = rec;
  }
  return ap;
}

/** Alias: PR AUC as average precision (the estimator sklearn recommends over trapezoids). */
export const prAuc = averagePrecision;
