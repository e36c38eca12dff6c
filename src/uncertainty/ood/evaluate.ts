import { GlassboxError } from '../../errors.js';
import { averagePrecision } from '../../math/metrics/average-precision.js';
import { rocAuc } from '../../math/metrics/roc-auc.js';

/**
 * How well an OOD score (higher = more likely OOD) separates in-distribution rows from OOD rows:
 * - `auroc`: P(score of an OOD row > score of an in-distribution row), ties counted one half;
 * - `auprOut`: average precision with the OOD rows as positives; `auprIn`: with the in-distribution
 *   rows as positives and the negated score;
 * - `fprAt95Tpr`: the fraction of OOD rows accepted as in-distribution at the threshold that accepts
 *   95% of the in-distribution rows (t = the smallest in-distribution score with at least 95% of them
 *   ≤ t; a row is accepted when its score ≤ t), the convention of Hendrycks & Gimpel / Liang et al.
 */
export interface OodEvaluation {
  readonly nIn: number;
  readonly nOut: number;
  readonly auroc: number;
  readonly auprOut: number;
  readonly auprIn: number;
  readonly fprAt95Tpr: number;
  readonly threshold95: number;
}

export function evaluateOod(inScores: ArrayLike<number>, outScores: ArrayLike<number>): OodEvaluation {
  const nIn = inScores.length;
  const nOut = outScores.length;
  if (nIn === 0 || nOut === 0) throw new GlassboxError('invalid_input', `OOD evaluation needs in-distribution and OOD rows (got ${nIn} and ${nOut})`, {});
  const labels = new Float64Array(nIn + nOut);
  const scores = new Float64Array(nIn + nOut);
  for (let i = 0; i < nIn; i++) scores[i] = inScores[i]!;
  for (let i = 0; i < nOut; i++) {
    labels[nIn + i] = 1;
    scores[nIn + i] = outScores[i]!;
  }
  if (scores.some((v) => !Number.isFinite(v))) throw new GlassboxError('invalid_input', 'OOD scores must be finite', { hint: 'Check the model outputs for NaN or infinity.' });
  const negated = Float64Array.from(scores, (v) => -v);
  const inLabels = Float64Array.from(labels, (v) => 1 - v);
  const sorted = Float64Array.from(inScores).sort();
  const threshold95 = sorted[Math.ceil(0.95 * nIn) - 1]!;
  let accepted = 0;
  for (let i = 0; i < nOut; i++) if (outScores[i]! <= threshold95) accepted++;
  return {
    nIn,
    nOut,
    auroc: rocAuc(labels, scores),
    auprOut: averagePrecision(labels, scores),
    auprIn: averagePrecision(inLabels, negated),
    fprAt95Tpr: accepted / nOut,
    threshold95,
  };
}
