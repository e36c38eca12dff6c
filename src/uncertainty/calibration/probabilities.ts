import { GlassboxError } from '../../errors.js';

/**
 * Class probabilities of n rows as a row-major n × k matrix, with one class index per row.
 * Every calibration function reads this shape; {@link checkProbabilities} builds it from user input.
 */
export interface LabelledProbabilities {
  /** Row-major n × k, each row a distribution over the k classes. */
  readonly probabilities: Float64Array;
  readonly labels: Int32Array;
  readonly n: number;
  readonly k: number;
}

/** Rows whose probabilities sum farther than this from 1 are refused (float32 softmax outputs sum to 1 ± 1e-6). */
const SUM_TOLERANCE = 1e-3;

/**
 * Validates probabilities (n × k, finite, in [0, 1], rows summing to 1 within 1e-3) and labels (integers
 * in [0, k)), naming the first offending row. `source` names the input in messages (a file or flag).
 */
export function checkProbabilities(probabilities: ArrayLike<number>, labels: ArrayLike<number>, k: number, source = 'probabilities'): LabelledProbabilities {
  if (!Number.isInteger(k) || k < 2) throw new GlassboxError('shape_mismatch', `${source}: calibration needs at least 2 classes; got ${k} columns.`, { argument: source, hint: 'Give an n × K matrix of class probabilities (K ≥ 2); for a binary model, both columns [1 − p, p].' });
  const n = labels.length;
  if (probabilities.length !== n * k) {
    throw new GlassboxError('shape_mismatch', `${source}: ${probabilities.length} values do not form ${n} rows × ${k} classes (one row per label).`, { argument: source, hint: 'Predictions and labels must describe the same rows, in the same order.' });
  }
  if (n === 0) throw new GlassboxError('invalid_input', `${source}: no rows to calibrate.`, { argument: source });
  const p = Float64Array.from(probabilities);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= k) {
      throw new GlassboxError('invalid_input', `labels: row ${i} holds ${label}, not a class index in [0, ${k}).`, { row: i, argument: 'labels', hint: 'Labels are 0-based class indices matching the probability columns; drop unlabelled rows first.' });
    }
    y[i] = label;
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const v = p[i * k + c]!;
      if (!(v >= 0 && v <= 1)) {
        throw new GlassboxError('invalid_input', `${source}: row ${i}, class ${c} holds ${v}, not a probability in [0, 1].`, { row: i, argument: source, hint: 'Pass logits with --logits (they are turned into probabilities by a softmax).' });
      }
      sum += v;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new GlassboxError('invalid_input', `${source}: row ${i} sums to ${sum}, not 1.`, { row: i, argument: source, hint: 'Give one probability per class (all K columns), or pass logits with --logits.' });
    }
  }
  return { probabilities: p, labels: y, n, k };
}

/** Checks logits: n × k, finite. */
export function checkLogits(logits: ArrayLike<number>, n: number, k: number, source = 'logits'): Float64Array {
  if (logits.length !== n * k) throw new GlassboxError('shape_mismatch', `${source}: ${logits.length} values do not form ${n} rows × ${k} classes.`, { argument: source });
  const z = Float64Array.from(logits);
  for (let i = 0; i < z.length; i++) {
    if (!Number.isFinite(z[i]!)) throw new GlassboxError('invalid_input', `${source}: row ${Math.floor(i / k)}, class ${i % k} holds ${z[i]}, not a finite logit.`, { row: Math.floor(i / k), argument: source });
  }
  return z;
}

/** Row-wise softmax of logits / temperature, in float64 (max-subtracted). */
export function softmax(logits: ArrayLike<number>, k: number, temperature = 1): Float64Array {
  const n = logits.length / k;
  const out = new Float64Array(logits.length);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]! / temperature);
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(logits[i * k + c]! / temperature - max);
      out[i * k + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) out[i * k + c]! /= sum;
  }
  return out;
}

/** Smallest probability whose log stands in for a logit (log 0 is −∞); the same floor sklearn's log_loss clips at. */
export const PROBABILITY_FLOOR = 1e-15;

/**
 * Log-probabilities as logits: softmax(log p) = p, so temperature and vector scaling can be fitted on a
 * model that only returns probabilities. Zeros are floored at 1e-15.
 */
export function logProbabilities(probabilities: ArrayLike<number>): Float64Array {
  return Float64Array.from(probabilities as ArrayLike<number>, (p) => Math.log(Math.max(p, PROBABILITY_FLOOR)));
}

/** Top label per row: the arg-max class (first index on ties) and its probability. */
export function topLabel(probabilities: ArrayLike<number>, n: number, k: number): { prediction: Int32Array; confidence: Float64Array } {
  const prediction = new Int32Array(n);
  const confidence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let value = probabilities[i * k]!;
    for (let c = 1; c < k; c++) {
      const v = probabilities[i * k + c]!;
      if (v > value) {
        value = v;
        best = c;
      }
    }
    prediction[i] = best;
    confidence[i] = value;
  }
  return { prediction, confidence };
}
