import type { ConfidenceInterval as Interval } from './interval.js';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import { toRng } from '../../rng.js';
import type { Rng } from '../../rng.js';
import { quantileSorted } from './quantile.js';

export interface BootstrapOptions {
  /** Resamples (default 1000). */
  readonly iterations?: number;
  /** Interval level (default 0.95). */
  readonly level?: number;
  readonly seed?: number | Rng;
  readonly signal?: AbortSignal;
}

/**
 * Percentile bootstrap interval (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, §13.3).
 * `statistic(indices)` evaluates the statistic on a resample given as row indices into the n rows
 * (drawn with replacement). Replicates that are NaN (a resample where the statistic is undefined) are
 * dropped; the interval is NaN when fewer than half remain. Same seed → identical interval.
 */
export function bootstrapInterval(n: number, statistic: (indices: Int32Array) => number, options: BootstrapOptions = {}): Interval {
  const iterations = options.iterations ?? 1000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new GlassboxError('invalid_argument', `bootstrapInterval: iterations = ${iterations} must be a positive integer.`, { argument: 'iterations', hint: 'Use e.g. 1000.' });
  }
  const nan: Interval = { low: Number.NaN, high: Number.NaN, level, method: 'percentile-bootstrap' };
  if (n === 0) return nan;
  const rng = toRng(options.seed ?? 0);
  const indices = new Int32Array(n);
  const replicates = new Float64Array(iterations);
  let kept = 0;
  for (let b = 0; b < iterations; b++) {
    if ((b & 31) === 0) throwIfAborted(options.signal);
    for (let i = 0; i < n; i++) indices[i] = rng.int(n);
    const value = statistic(indices);
    if (!Number.isNaN(value)) replicates[kept++] = value;
  }
  if (kept < iterations / 2) return nan;
  const sorted = replicates.subarray(0, kept).sort();
  const alpha = (1 - level) / 2;
  return { low: quantileSorted(sorted, alpha), high: quantileSorted(sorted, 1 - alpha), level, method: 'percentile-bootstrap' };
}
