import { newcombeInterval } from '../math/stats/newcombe.js';
import { stratifiedBootstrapInterval } from '../math/stats/stratified-bootstrap.js';
import type { ConfidenceInterval } from '../math/stats/interval.js';
import type { Grouping } from '../math/stats/groups.js';

/** Resamples of the bootstrap interval for max − min over more than two groups. */
export const SPREAD_BOOTSTRAP_ITERATIONS = 1000;

export interface RateSpreadOptions {
  readonly level?: number;
  readonly seed?: number;
  /** Names the statistic in the interval's method, e.g. 'fpr_difference'. */
  readonly metric: string;
  /** Names the rate in the two-group method text, e.g. 'FPR' (default 'rate'). */
  readonly rate?: string;
  readonly iterations?: number;
  readonly signal?: AbortSignal;
}

/**
 * The spread max − min of a per-group rate hits / eligible rows (selection rate: every row eligible;
 * FPR: the negatives, hit = selected; TPR: the positives), with its interval:
 *
 * - two groups with the rate defined: Newcombe's hybrid score interval for the difference of two
 *   independent proportions (Newcombe 1998, method 10), higher-rate group minus lower;
 * - more: a bias-corrected bootstrap, resampling the eligible rows within each group (seeded), since the
 *   spread of several rates has no closed form and its bootstrap distribution sits above the estimate.
 *
 * Groups with no eligible row have no rate and are left out (Fairlearn's skipna). `value` is null and the
 * bounds NaN when fewer than two groups define the rate.
 */
export function rateSpreadInterval(grouping: Grouping, eligible: Uint8Array, hits: Uint8Array, options: RateSpreadOptions): { value: number | null; interval: ConfidenceInterval } {
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 0;
  const k = grouping.labels.length;
  const n = new Float64Array(k);
  const x = new Float64Array(k);
  const { codes } = grouping;
  for (let i = 0; i < codes.length; i++) {
    const g = codes[i]!;
    if (g < 0 || eligible[i] === 0) continue;
    n[g]!++;
    x[g]! += hits[i]!;
  }
  const defined = [...n.keys()].filter((g) => n[g]! > 0).sort((a, b) => x[a]! / n[a]! - x[b]! / n[b]! || a - b);
  const nan = { value: null, interval: { low: Number.NaN, high: Number.NaN, level, method: `undefined: fewer than two groups define the ${options.rate ?? 'rate'}` } };
  if (defined.length < 2) return nan;
  const lo = defined[0]!;
  const hi = defined[defined.length - 1]!;
  const value = x[hi]! / n[hi]! - x[lo]! / n[lo]!;
  if (defined.length === 2) {
    const ci = newcombeInterval(x[hi]!, n[hi]!, x[lo]!, n[lo]!, level);
    return { value, interval: { ...ci, method: `${ci.method} for ${options.metric} (${options.rate ?? 'rate'} of ${grouping.labels[hi]} − ${grouping.labels[lo]})` } };
  }
  const strata = Int32Array.from(codes, (g, i) => (g >= 0 && eligible[i] === 1 ? g : -1));
  const bn = new Float64Array(k);
  const bx = new Float64Array(k);
  const spread = (rows: Int32Array): number => {
    bn.fill(0);
    bx.fill(0);
    for (const i of rows) {
      bn[codes[i]!]!++;
      bx[codes[i]!]! += hits[i]!;
    }
    let max = -Infinity;
    let min = Infinity;
    for (let g = 0; g < k; g++) {
      if (bn[g] === 0) continue;
      const rate = bx[g]! / bn[g]!;
      if (rate > max) max = rate;
      if (rate < min) min = rate;
    }
    return max - min;
  };
  const iterations = options.iterations ?? SPREAD_BOOTSTRAP_ITERATIONS;
  const what = `${options.metric} (max − min over ${defined.length} groups, ${iterations} resamples, seed ${seed})`;
  const { estimate: _estimate, ...interval } = stratifiedBootstrapInterval(strata, spread, { iterations, level, seed, what, ...(options.signal ? { signal: options.signal } : {}) });
  return { value, interval };
}
