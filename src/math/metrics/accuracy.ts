import { confusionMatrix } from './confusion-matrix.js';
import type { ClassificationOptions } from './confusion-matrix.js';
import type { Labels } from './validate.js';

/** Fraction of rows (weighted) whose prediction equals the label (sklearn.metrics.accuracy_score). */
export function accuracy(labels: Labels, predictions: Int32Array, options: ClassificationOptions = {}): number {
  const { k, counts } = confusionMatrix(labels, predictions, options);
  let correct = 0;
  let total = 0;
  for (let i = 0; i < k; i++) {
    correct += counts[i * k + i]!;
    for (let j = 0; j < k; j++) total += counts[i * k + j]!;
  }
  return correct / total;
}

/**
 * Mean per-class recall over the classes present in the labels (sklearn.metrics.balanced_accuracy_score,
 * adjusted=false). Classes that occur only among the predictions are left out, as sklearn does (it warns).
 */
export function balancedAccuracy(labels: Labels, predictions: Int32Array, options: ClassificationOptions = {}): number {
  const { k, counts } = confusionMatrix(labels, predictions, options);
  let sum = 0;
  let present = 0;
  for (let i = 0; i < k; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) row += counts[i * k + j]!;
    if (row > 0) {
      sum += counts[i * k + i]! / row;
      present++;
    }
  }
  return sum / present;
}
