import { conditionBounds, conjunctionRows } from './search-features.js';
import type { Condition, RowIndex, SearchFeature } from './search-features.js';
import { compareSlice } from './slice-stats.js';
import type { Moments } from './slice-stats.js';

/** What refining needs besides the slice: the data, the test and the limits of the search. */
export interface RefineContext {
  readonly features: readonly SearchFeature[];
  readonly index: RowIndex;
  readonly metric: Float64Array;
  readonly total: Moments;
  readonly binary: boolean;
  readonly direction: 1 | -1;
  readonly minSupport: number;
  /** Cut points tried inside each coarse bin next to a boundary (the bin's own edge plus fine − 1 quantiles). */
  readonly fine: number;
}

/** A slice with refined numeric boundaries, and how many boundary pairs were tried to find them. */
export interface Refinement {
  readonly conditions: Condition[];
  readonly moments: Moments;
  /** Product over refined conditions of the boundary pairs tried: the Bonferroni factor of the choice. */
  readonly pairs: number;
}

/** How many coarse bins a bound may move outwards (it may also move inwards within its own bin). */
const REACH = 2;

/** Index of the first sorted value ≥ t (sorted.length when none). */
function lowerBound(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const xlogx = (k: number, n: number): number => (k > 0 ? k * Math.log(k / n) : 0);

/**
 * Kulldorff's Bernoulli scan statistic: the log-likelihood ratio of "the slice has its own rate" against
 * "one rate everywhere", 0 when the slice is not worse in the searched direction (Kulldorff 1997,
 * "A spatial scan statistic", Communications in Statistics 26). Its maximiser is the maximum-likelihood
 * estimate of where a failure region starts and ends, with less pull towards small noisy slices than z.
 */
function bernoulliScan(slice: Moments, total: Moments, direction: 1 | -1): number {
  const k = slice.sum;
  const n = slice.n;
  const K = total.sum;
  const N = total.n;
  if ((k / n - (K - k) / (N - n)) * direction <= 0) return 0;
  return xlogx(k, n) + xlogx(n - k, n) + xlogx(K - k, N - n) + xlogx(N - n - (K - k), N - n) - xlogx(K, N) - xlogx(N - K, N);
}

/** Bin of a value: the number of inner edges ≤ x. */
function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The bin's lower edge (−∞ for the first), then `fine − 1` quantile cut points of the window values inside it. */
function cutsInBin(feature: SearchFeature, bin: number, values: Float64Array, codes: Int32Array, fine: number): number[] {
  const edges = feature.edges!;
  const start = bin === 0 ? -Infinity : edges[bin - 1]!;
  const inside = values.filter((_, k) => codes[k] === bin);
  const cuts = [start];
  for (let q = 1; q < fine; q++) {
    const v = inside[Math.floor((q * inside.length) / fine)];
    if (v !== undefined && v > cuts[cuts.length - 1]!) cuts.push(v);
  }
  return cuts;
}

/**
 * Moves the bounds of one numeric range condition to the cut points (up to REACH coarse bins outwards
 * of each bound, or inside its own bin) that maximise the scan statistic (0/1 metrics) or the Welch t
 * statistic (others), holding the other conditions fixed. Returns the best condition, its slice moments
 * and the number of (lower, upper) pairs tried (those meeting minSupport).
 */
function refineCondition(conditions: readonly Condition[], j: number, ctx: RefineContext): { condition: Condition; moments: Moments; pairs: number } | undefined {
  const c = conditions[j]!;
  const feature = ctx.features[c.feature]!;
  const edges = feature.edges ?? [];
  const bins = edges.length + 1;
  if (!feature.values || c.low !== undefined || bins < 2) return undefined;
  const others = conditions.filter((_, k) => k !== j);
  const rows = others.length ? conjunctionRows(ctx.features, ctx.index, others) : undefined;
  const wlo = Math.max(0, c.lo - REACH);
  const whi = Math.min(bins - 1, c.hi + REACH);
  const picked: number[] = [];
  const m = rows ? rows.length : ctx.metric.length;
  for (let k = 0; k < m; k++) {
    const i = rows ? rows[k]! : k;
    const code = feature.codes[i]!;
    if (code >= wlo && code <= whi) picked.push(i);
  }
  picked.sort((a, b) => feature.values![a]! - feature.values![b]! || a - b);
  const values = Float64Array.from(picked, (i) => feature.values![i]!);
  const codes = Int32Array.from(picked, (i) => feature.codes[i]!);
  const prefix = new Float64Array((values.length + 1) * 3);
  picked.forEach((i, k) => {
    const v = ctx.metric[i]!;
    prefix[(k + 1) * 3] = prefix[k * 3]! + 1;
    prefix[(k + 1) * 3 + 1] = prefix[k * 3 + 1]! + v;
    prefix[(k + 1) * 3 + 2] = prefix[k * 3 + 2]! + v * v;
  });
  const span = Array.from({ length: REACH + 1 }, (_, k) => k);
  const lowers = span.map((k) => c.lo - REACH + k).filter((b) => b >= 0).flatMap((b) => cutsInBin(feature, b, values, codes, ctx.fine));
  // Upper cuts: inner cut points of bins hi … hi + REACH and the end of each (+∞ for the last bin).
  const uppers = span.map((k) => c.hi + k).filter((b) => b < bins).flatMap((b) => [...cutsInBin(feature, b, values, codes, ctx.fine).slice(1), b === bins - 1 ? Infinity : edges[b]!]);
  const at = (t: number): number => (t === -Infinity ? 0 : t === Infinity ? values.length : lowerBound(values, t));
  let best: { low: number; high: number; moments: Moments; statistic: number } | undefined;
  let pairs = 0;
  for (const low of lowers) {
    const a = at(low);
    for (const high of uppers) {
      if (!(high > low) || (low === -Infinity && high === Infinity)) continue;
      const b = at(high);
      const moments: Moments = { n: prefix[b * 3]! - prefix[a * 3]!, sum: prefix[b * 3 + 1]! - prefix[a * 3 + 1]!, sumSq: prefix[b * 3 + 2]! - prefix[a * 3 + 2]! };
      if (moments.n < ctx.minSupport || ctx.total.n - moments.n < ctx.minSupport) continue;
      pairs++;
      const statistic = ctx.binary ? bernoulliScan(moments, ctx.total, ctx.direction) : compareSlice(moments, ctx.total, ctx.binary, ctx.direction).statistic;
      if (!best || statistic > best.statistic) best = { low, high, moments, statistic };
    }
  }
  if (!best) return undefined;
  const [coarseLow, coarseHigh] = conditionBounds(feature, c);
  const same = best.low === coarseLow && best.high === coarseHigh;
  const hi = best.high === Infinity ? bins - 1 : binOf(edges, best.high) - (edges.includes(best.high) ? 1 : 0);
  const condition: Condition = same ? c : { feature: c.feature, lo: best.low === -Infinity ? 0 : binOf(edges, best.low), hi, low: best.low, high: best.high };
  return { condition, moments: best.moments, pairs };
}

/**
 * Refines the numeric range conditions of a selected slice to the data: each bound may move to any of
 * `fine` quantile cut points in the coarse bins from REACH bins outside it to its own bin (the coarse
 * edges included), and the pair of bounds with the largest scan statistic wins (the maximum-likelihood
 * failure region), one numeric condition after another. Quantile bins alone cannot represent a failure
 * range that starts and ends between bin edges (a range 1.2 bins wide comes back as one or two bins).
 *
 * The choice among the boundary pairs is a selection, so the caller must treat the refined slice's
 * p-value as one of `pairs` hypotheses (Bonferroni within the refinement), on top of the correction the
 * coarse slice already passed. Returns undefined when the slice has no numeric range to refine.
 */
export function refineRanges(conditions: readonly Condition[], ctx: RefineContext): Refinement | undefined {
  let current = [...conditions];
  let moments: Moments | undefined;
  let pairs = 1;
  for (let j = 0; j < current.length; j++) {
    const r = refineCondition(current, j, ctx);
    if (!r) continue;
    current = current.map((c, k) => (k === j ? r.condition : c));
    moments = r.moments;
    pairs *= r.pairs;
  }
  return moments ? { conditions: current, moments, pairs } : undefined;
}
