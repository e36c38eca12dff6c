import { checkLabels, checkWeights, requireLength, weightAt } from './validate.js';
import type { Labels, Weights } from './validate.js';

/** A k × k confusion matrix, row = true class, column = predicted class (sklearn's layout). */
export interface ConfusionMatrix {
  readonly k: number;
  /** Row-major k × k (weighted) counts. */
  readonly counts: Float64Array;
}

export interface ClassificationOptions {
  readonly sampleWeight?: Weights;
  /** Number of classes; defaults to 1 + the largest label or prediction. */
  readonly nClasses?: number;
}

/**
 * Confusion matrix C where C[i, j] counts rows of true class i predicted as class j
 * (sklearn.metrics.confusion_matrix, with labels 0..k-1).
 */
export function confusionMatrix(labels: Labels, predictions: Int32Array, options: ClassificationOptions = {}): ConfusionMatrix {
  const metric = 'confusionMatrix';
  const kTrue = checkLabels(labels, metric);
  requireLength(labels.length, predictions, metric, 'predictions');
  const kPred = checkLabels(predictions, metric, 'predictions');
  checkWeights(labels.length, options.sampleWeight, metric);
  const k = Math.max(options.nClasses ?? 0, kTrue, kPred);
  const counts = new Float64Array(k * k);
  for (let i = 0; i < labels.length; i++) {
    counts[labels[i]! * k + predictions[i]!]! += weightAt(options.sampleWeight, i);
  }
  return { k, counts };
}

/** Per-class one-vs-rest counts read from a confusion matrix. */
export function classCounts(cm: ConfusionMatrix, cls: number): { tp: number; fp: number; fn: number; tn: number } {
  const { k, counts } = cm;
  let total = 0;
  let rowSum = 0;
  let colSum = 0;
  for (let i = 0; i < k; i++) {
    rowSum += counts[cls * k + i]!;
    colSum += counts[i * k + cls]!;
    for (let j = 0; j < k; j++) total += counts[i * k + j]!;
  }
  const tp = counts[cls * k + cls]!;
  return { tp, fp: colSum - tp, fn: rowSum - tp, tn: total - rowSum - colSum + tp };
}
