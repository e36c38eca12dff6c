import { GlassboxError, throwIfAborted } from '../../errors.js';
import { toRng } from '../../rng.js';
import type { ConfidenceInterval as Interval } from './interval.js';
import { normalCdf, normalQuantile } from './normal.js';
import type { BootstrapOptions } from './bootstrap.js';
import { quantileSorted } from './quantile.js';

export interface StratifiedBootstrapOptions extends BootstrapOptions {
  /** Names what the interval is for; the method reads `stratified-bootstrap-bc for <what>`. */
  readonly what?: string;
}

/**
 * Bias-corrected percentile bootstrap (Efron 1981, "Nonparametric standard errors and confidence
 * intervals"; Efron & Tibshirani 1993, §14.3) with resampling inside strata: each resample draws, for
 * every stratum s, as many rows as s holds, with replacement, from s's rows — so every group keeps its
 * size, as when the data were collected per group. Rows whose stratum is negative are left out.
 *
 * `statistic(indices)` evaluates the statistic on the rows given (indices into `strata`); the estimate
 * is its value on all rows. The bias correction z0 = Φ⁻¹(share of replicates below the estimate, ties
 * counted half) shifts the percentiles to Φ(2·z0 ± z), which matters for statistics such as max − min
 * over groups whose bootstrap distribution sits above the estimate. Should the bootstrap be so biased
 * that the corrected interval still misses the estimate, the interval is widened to reach it and the
 * method says so. NaN replicates are dropped; fewer than half left gives NaN bounds. Same seed → same
 * interval.
 */
export function stratifiedBootstrapInterval(strata: Int32Array, statistic: (indices: Int32Array) => number, options: StratifiedBootstrapOptions = {}): Interval & { readonly estimate: number } {
  const iterations = options.iterations ?? 1000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new GlassboxError('invalid_argument', `stratifiedBootstrapInterval: iterations = ${iterations} must be a positive integer.`, { argument: 'iterations', hint: 'Use e.g. 1000.' });
  }
  const method = `stratified-bootstrap-bc${options.what ? ` for ${options.what}` : ''}`;
  const members = groupRows(strata);
  const all = Int32Array.from(members.flatMap((m) => Array.from(m)));
  const estimate = statistic(all);
  const nan = { low: Number.NaN, high: Number.NaN, level, method, estimate };
  if (all.length === 0 || Number.isNaN(estimate)) return nan;
  const rng = toRng(options.seed ?? 0);
  const indices = new Int32Array(all.length);
  const replicates = new Float64Array(iterations);
  let kept = 0;
  for (let b = 0; b < iterations; b++) {
    if ((b & 31) === 0) throwIfAborted(options.signal);
    let k = 0;
    for (const rows of members) for (let i = 0; i < rows.length; i++) indices[k++] = rows[rng.int(rows.length)]!;
    const value = statistic(indices);
    if (!Number.isNaN(value)) replicates[kept++] = value;
  }
  if (kept < iterations / 2) return nan;
  const sorted = replicates.subarray(0, kept).sort();
  const { low, high } = biasCorrected(sorted, estimate, level);
  if (low <= estimate && estimate <= high) return { low, high, level, method, estimate };
  return { low: Math.min(low, estimate), high: Math.max(high, estimate), level, method: `${method} (widened to include the estimate)`, estimate };
}

/** Rows of each non-negative stratum, in row order. */
function groupRows(strata: Int32Array): Int32Array[] {
  const lists: number[][] = [];
  strata.forEach((s, i) => {
    if (s < 0) return;
    (lists[s] ??= []).push(i);
  });
  return lists.filter((l) => l !== undefined && l.length > 0).map((l) => Int32Array.from(l));
}

/**
 * Efron's bias-corrected percentile bounds from sorted bootstrap replicates: z0 = Φ⁻¹(share of replicates
 * below the estimate, ties counted half), bounds at the Φ(2·z0 ± z) quantiles.
 */
export function biasCorrected(sorted: Float64Array, estimate: number, level: number): { low: number; high: number } {
  const b = sorted.length;
  let below = 0;
  for (const v of sorted) below += v < estimate ? 1 : v === estimate ? 0.5 : 0;
  const share = Math.min(1 - 0.5 / b, Math.max(0.5 / b, below / b));
  const z0 = normalQuantile(share);
  const z = normalQuantile(1 - (1 - level) / 2);
  return { low: quantileSorted(sorted, normalCdf(2 * z0 - z)), high: quantileSorted(sorted, normalCdf(2 * z0 + z)) };
}
