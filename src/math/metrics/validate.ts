import { GlassboxError } from '../../errors.js';

/** Class labels: integer class indices 0..k-1 (Float64Array accepted when it holds integers). */
export type Labels = Int32Array | Float64Array;
/** Scores or probabilities, row-major n × k when k > 1. */
export type Scores = Float32Array | Float64Array;
/** Optional non-negative per-row weights. */
export type Weights = Float64Array | Float32Array;

/** Throws unless the input is non-empty. */
export function requireNonEmpty(n: number, metric: string, argument: string): void {
  if (n === 0) {
    throw new GlassboxError('invalid_input', `${metric}: '${argument}' is empty; a metric needs at least one row.`, {
      argument,
      hint: 'Check that the data or the selected group holds rows before computing the metric.',
    });
  }
}

/** Throws unless `other` has `n` entries. */
export function requireLength(n: number, other: { length: number }, metric: string, argument: string, expected = n): void {
  if (other.length !== expected) {
    throw new GlassboxError('shape_mismatch', `${metric}: '${argument}' has ${other.length} entries, expected ${expected} (one per row${expected !== n ? ' and class' : ''}).`, {
      argument,
      hint: 'Pass arrays aligned row by row with the labels.',
    });
  }
}

/** Validates class-index labels; returns the number of classes seen (max + 1). */
export function checkLabels(labels: Labels, metric: string, argument = 'labels'): number {
  requireNonEmpty(labels.length, metric, argument);
  let max = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!(y >= 0) || !Number.isInteger(y)) {
      throw new GlassboxError('invalid_input', `${metric}: '${argument}'[${i}] = ${y} is not a class index (a non-negative integer).`, {
        argument,
        row: i,
        hint: 'Encode class labels as 0..k-1 (binary: 0 = negative, 1 = positive); drop or impute unlabeled rows first.',
      });
    }
    if (y > max) max = y;
  }
  return max + 1;
}

/** Validates weights (finite, ≥ 0, positive total); returns their sum, or n when absent. */
export function checkWeights(n: number, weights: Weights | undefined, metric: string): number {
  if (!weights) return n;
  requireLength(n, weights, metric, 'sampleWeight');
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new GlassboxError('invalid_input', `${metric}: sampleWeight[${i}] = ${w} is not a finite non-negative number.`, {
        argument: 'sampleWeight',
        row: i,
        hint: 'Sample weights must be finite and ≥ 0.',
      });
    }
    total += w;
  }
  if (total === 0) {
    throw new GlassboxError('invalid_input', `${metric}: sampleWeight sums to 0, so the metric is undefined.`, {
      argument: 'sampleWeight',
      hint: 'Give at least one row a positive weight.',
    });
  }
  return total;
}

/** Validates finite scores. */
export function checkFinite(values: Scores, metric: string, argument: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new GlassboxError('invalid_input', `${metric}: '${argument}'[${i}] = ${values[i]} is not a finite number.`, {
        argument,
        row: i,
        hint: 'Remove or impute rows with missing model outputs.',
      });
    }
  }
}

/** Weight of row i (1 when unweighted). */
export function weightAt(weights: Weights | undefined, i: number): number {
  return weights ? weights[i]! : 1;
}
