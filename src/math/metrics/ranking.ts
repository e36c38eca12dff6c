import { GlassboxError } from '../../errors.js';
import { checkFinite, checkLabels, checkWeights, requireLength, weightAt } from './validate.js';
import type { Labels, Scores, Weights } from './validate.js';

/**
 * Distinct score thresholds in decreasing order with the cumulative (weighted) positives and negatives
 * at or above each one — the shared core of sklearn's _binary_clf_curve.
 */
export interface BinaryCurve {
  readonly thresholds: Float64Array;
  readonly tps: Float64Array;
  readonly fps: Float64Array;
}

/** Binary labels: class `positive` vs the rest. */
export function binaryCurve(isPositive: Uint8Array, scores: ArrayLike<number>, weights: Weights | undefined): BinaryCurve {
  const n = isPositive.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const w = weightAt(weights, i);
    if (isPositive[i]) tp += w;
    else fp += w;
    const next = r + 1 < n ? scores[order[r + 1]!]! : Number.NaN;
    if (next !== scores[i]!) {
      thresholds.push(scores[i]!);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { thresholds: Float64Array.from(thresholds), tps: Float64Array.from(tps), fps: Float64Array.from(fps) };
}

/** Validates binary scoring inputs and returns the positive mask. */
export function binaryTargets(labels: Labels, scores: Scores, weights: Weights | undefined, metric: string, positiveClass: number): Uint8Array {
  checkLabels(labels, metric);
  requireLength(labels.length, scores, metric, 'scores');
  checkFinite(scores, metric, 'scores');
  checkWeights(labels.length, weights, metric);
  const mask = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) mask[i] = labels[i] === positiveClass ? 1 : 0;
  return mask;
}

/** Columns of a row-major n × k matrix; throws when the size does not divide. */
export function matrixWidth(n: number, values: Scores, metric: string, argument: string): number {
  const k = n > 0 ? values.length / n : 0;
  if (!Number.isInteger(k) || k < 1) {
    throw new GlassboxError('shape_mismatch', `${metric}: '${argument}' has ${values.length} values, which is not a multiple of the ${n} rows.`, {
      argument,
      hint: 'Pass probabilities as a row-major n × k matrix (one column per class), or one positive-class score per row.',
    });
  }
  return k;
}
