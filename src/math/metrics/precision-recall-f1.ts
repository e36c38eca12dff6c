import { GlassboxError } from '../../errors.js';
import { classCounts, confusionMatrix } from './confusion-matrix.js';
import type { ConfusionMatrix, ClassificationOptions } from './confusion-matrix.js';
import type { Labels } from './validate.js';

/** How per-class scores combine: 'binary' (the positive class only), 'macro' (unweighted mean), 'micro' (global counts). */
export type Averaging = 'binary' | 'macro' | 'micro';

export interface PrecisionRecallOptions extends ClassificationOptions {
  /** Default 'binary'. */
  readonly average?: Averaging;
  /** Positive class index for average='binary' (default 1). */
  readonly positiveClass?: number;
  /** Value returned for a 0/0 ratio (sklearn's zero_division; default 0). */
  readonly zeroDivision?: number;
}

export interface PrecisionRecallF1 {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

function scoresFromCounts({ tp, fp, fn }: Counts, zero: number): PrecisionRecallF1 {
  const ratio = (a: number, b: number): number => (b === 0 ? zero : a / b);
  return { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn) };
}

/** Classes that occur among labels or predictions (sklearn's unique_labels). */
function presentClasses(cm: ConfusionMatrix): number[] {
  const out: number[] = [];
  for (let c = 0; c < cm.k; c++) {
    const { tp, fp, fn } = classCounts(cm, c);
    if (tp + fp + fn > 0) out.push(c);
  }
  return out;
}

/**
 * Precision, recall and F1 with sklearn semantics (precision_recall_fscore_support): 'binary' scores the
 * positive class, 'macro' averages per-class scores over the classes present in labels or predictions,
 * 'micro' pools the counts. F1 = 2TP / (2TP + FP + FN); a 0/0 ratio yields `zeroDivision` (default 0).
 */
export function precisionRecallF1(labels: Labels, predictions: Int32Array, options: PrecisionRecallOptions = {}): PrecisionRecallF1 {
  const cm = confusionMatrix(labels, predictions, options);
  const average = options.average ?? 'binary';
  const zero = options.zeroDivision ?? 0;
  if (average === 'binary') {
    const positive = options.positiveClass ?? 1;
    if (cm.k > 2 || positive < 0 || positive > 1) {
      throw new GlassboxError('invalid_argument', `precisionRecallF1: average 'binary' needs labels in {0, 1} and positiveClass 0 or 1 (found ${cm.k} classes, positiveClass ${positive}).`, {
        argument: 'average',
        hint: "Use average: 'macro' or 'micro' for multiclass labels.",
      });
    }
    return scoresFromCounts(classCounts({ k: 2, counts: padTo2(cm) }, positive), zero);
  }
  const classes = presentClasses(cm);
  if (average === 'micro') {
    const pooled: Counts = { tp: 0, fp: 0, fn: 0 };
    for (const c of classes) {
      const one = classCounts(cm, c);
      pooled.tp += one.tp;
      pooled.fp += one.fp;
      pooled.fn += one.fn;
    }
    return scoresFromCounts(pooled, zero);
  }
  let p = 0;
  let r = 0;
  let f = 0;
  for (const c of classes) {
    const s = scoresFromCounts(classCounts(cm, c), zero);
    p += s.precision;
    r += s.recall;
    f += s.f1;
  }
  const m = classes.length;
  return { precision: p / m, recall: r / m, f1: f / m };
}

function padTo2(cm: ConfusionMatrix): Float64Array {
  if (cm.k === 2) return cm.counts;
  const out = new Float64Array(4);
  out[0] = cm.counts[0] ?? 0;
  return out;
}

/** Precision of the positive class (or averaged as in `options.average`). */
export function precision(labels: Labels, predictions: Int32Array, options: PrecisionRecallOptions = {}): number {
  return precisionRecallF1(labels, predictions, options).precision;
}

/** Recall (true-positive rate) of the positive class (or averaged as in `options.average`). */
export function recall(labels: Labels, predictions: Int32Array, options: PrecisionRecallOptions = {}): number {
  return precisionRecallF1(labels, predictions, options).recall;
}

/** F1 score of the positive class (or averaged as in `options.average`). */
export function f1Score(labels: Labels, predictions: Int32Array, options: PrecisionRecallOptions = {}): number {
  return precisionRecallF1(labels, predictions, options).f1;
}
