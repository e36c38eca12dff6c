import { GlassboxError } from '../errors.js';

/**
 * What an audit needs per row, in binary (one-vs-rest) form: the true label, the decision and, when
 * available, the score P(positive). Built from a model's outputs or from precomputed predictions.
 */
export interface Outcomes {
  readonly n: number;
  /** 1 = positive label. */
  readonly labels: Uint8Array;
  /** 1 = predicted positive. */
  readonly decisions: Uint8Array;
  /** P(positive) per row; absent for hard predictions (then log loss, Brier and calibration are null). */
  readonly scores?: Float64Array;
}

export interface OutcomeOptions {
  /** A row is predicted positive when score ≥ threshold (default 0.5). */
  readonly threshold?: number;
  /** Which class counts as positive (default 1). */
  readonly positiveClass?: number;
}

function checkLabels(labels: ArrayLike<number>, n: number): void {
  if (labels.length !== n) {
    throw new GlassboxError('shape_mismatch', `labels have ${labels.length} rows but the predictions have ${n}.`, { argument: 'labels', hint: 'Pass one label and one prediction per row, in the same order.' });
  }
  if (n === 0) throw new GlassboxError('invalid_input', 'There are no rows to audit.', { argument: 'labels', hint: 'Check the data file and the split.' });
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!(y >= 0) || !Number.isInteger(y)) {
      throw new GlassboxError('invalid_input', `labels[${i}] = ${y} is not a class index.`, { argument: 'labels', row: i, hint: 'Drop unlabeled rows before auditing; labels must be 0..k-1.' });
    }
  }
}

/**
 * Outcomes from scores P(positive): decision = score ≥ threshold. Labels are class indices; the
 * positive class (default 1) becomes 1, every other class 0.
 */
export function outcomesFromScores(labels: ArrayLike<number>, scores: ArrayLike<number>, options: OutcomeOptions = {}): Outcomes {
  const n = scores.length;
  checkLabels(labels, n);
  const threshold = options.threshold ?? 0.5;
  if (!Number.isFinite(threshold)) throw new GlassboxError('invalid_argument', `threshold ${threshold} is not a number.`, { argument: 'threshold', hint: 'e.g. --threshold 0.5' });
  const positive = options.positiveClass ?? 1;
  const y = new Uint8Array(n);
  const d = new Uint8Array(n);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = scores[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new GlassboxError('invalid_input', `score of row ${i} is ${v}, not a probability in [0, 1].`, { argument: 'scores', row: i, hint: 'Pass P(positive) per row, or hard 0/1 predictions with outcomesFromDecisions.' });
    }
    y[i] = labels[i] === positive ? 1 : 0;
    d[i] = v >= threshold ? 1 : 0;
    s[i] = v;
  }
  return { n, labels: y, decisions: d, scores: s };
}

/** Outcomes from hard predicted classes (taken as they are; no scores). */
export function outcomesFromDecisions(labels: ArrayLike<number>, predictions: ArrayLike<number>, options: Pick<OutcomeOptions, 'positiveClass'> = {}): Outcomes {
  const n = predictions.length;
  checkLabels(labels, n);
  const positive = options.positiveClass ?? 1;
  const y = new Uint8Array(n);
  const d = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = labels[i] === positive ? 1 : 0;
    d[i] = predictions[i] === positive ? 1 : 0;
  }
  return { n, labels: y, decisions: d };
}

/**
 * Outcomes from a row-major n × k probability matrix, one-vs-rest for `positiveClass`: the decision is
 * the arg-max class for k > 2, and P(positive) ≥ threshold for k = 2.
 */
export function outcomesFromProbabilities(labels: ArrayLike<number>, probabilities: ArrayLike<number>, k: number, options: OutcomeOptions = {}): Outcomes {
  const n = labels.length;
  if (probabilities.length !== n * k) {
    throw new GlassboxError('shape_mismatch', `probabilities have ${probabilities.length} values, expected ${n} rows × ${k} classes.`, { argument: 'probabilities', hint: 'Pass model outputs as a row-major n × k matrix.' });
  }
  const positive = options.positiveClass ?? (k === 2 ? 1 : 0);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) scores[i] = probabilities[i * k + positive]!;
  if (k <= 2) return outcomesFromScores(labels, scores, { ...options, positiveClass: positive });
  const out = outcomesFromScores(labels, scores, { ...options, positiveClass: positive, threshold: 0 });
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + best]!) best = c;
    out.decisions[i] = best === positive ? 1 : 0;
  }
  return out;
}

/** Per-row error indicator (decision ≠ label) as 0/1 doubles. */
export function rowErrors(outcomes: Outcomes): Float64Array {
  const e = new Float64Array(outcomes.n);
  for (let i = 0; i < outcomes.n; i++) e[i] = outcomes.decisions[i] !== outcomes.labels[i] ? 1 : 0;
  return e;
}

/** Per-row log loss of P(label), clipped to [1e-15, 1 − 1e-15] as sklearn 1.2 does. */
export function rowLogLoss(outcomes: Outcomes, eps = 1e-15): Float64Array | undefined {
  const s = outcomes.scores;
  if (!s) return undefined;
  const out = new Float64Array(outcomes.n);
  for (let i = 0; i < outcomes.n; i++) {
    const p = Math.min(1 - eps, Math.max(eps, outcomes.labels[i] ? s[i]! : 1 - s[i]!));
    out[i] = -Math.log(p);
  }
  return out;
}
