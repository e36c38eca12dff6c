import type { Predicate } from '../data/predicate.js';
import { wilsonInterval } from '../math/stats/wilson.js';
import { zCritical } from '../math/stats/normal.js';
import { buildRowIndex, conditionPredicates, conjunctionRows, describeCondition, impliesConditions } from './search-features.js';
import type { Condition, RowIndex, SearchFeature } from './search-features.js';
import type { Candidate, SearchResult } from './slice-search.js';
import { compareSlice } from './slice-stats.js';
import type { Moments } from './slice-stats.js';

/** A reported slice (JSON field names are stable). */
export interface DiscoveredSlice {
  /** The conjunction as predicates: categorical "==", numeric ranges as ">=" / "<" bounds. */
  readonly predicates: readonly Predicate[];
  readonly description: string;
  readonly conditions: readonly Condition[];
  readonly n: number;
  /** n / total rows. */
  readonly support: number;
  /** Mean of the per-row metric in the slice (error rate for 0/1 errors) and on the rest. */
  readonly metric: number;
  readonly restMetric: number;
  readonly effect: number;
  readonly interval: { readonly low: number; readonly high: number; readonly level: number; readonly method: string };
  readonly statistic: number;
  readonly pValue: number;
  readonly qValue: number;
  /** Indices (into the audited rows) of up to 5 example rows with the worst metric first. */
  readonly examples: readonly number[];
}

export interface SelectOptions {
  readonly fdr?: number;
  readonly minEffect?: number;
  /** A more general slice replaces a nested one when it keeps this share of its effect (default 0.8). */
  readonly keepRatio?: number;
  /** Order of the result (default 'score' = effect × √n). */
  readonly rankBy?: 'score' | 'effect' | 'size' | 'significance';
  /** Most slices returned (default 20). */
  readonly maxSlices?: number;
  readonly level?: number;
}

interface Context {
  readonly result: SearchResult;
  readonly features: readonly SearchFeature[];
  readonly index: RowIndex;
  readonly metric: Float64Array;
  readonly fdr: number;
  readonly minEffect: number;
  readonly keepRatio: number;
  readonly direction: 1 | -1;
  /** 1 for rows inside an accepted slice. */
  readonly covered: Uint8Array;
}

/** The most general significant slice containing `c` that keeps ≥ keepRatio of its effect (or `c`). */
function mostGeneral(c: Candidate, sig: readonly Candidate[], keepRatio: number): Candidate {
  let best = c;
  for (const g of sig) {
    if (g.conditions.length >= c.conditions.length || g.effect < keepRatio * c.effect || !impliesConditions(c.conditions, g.conditions)) continue;
    if (g.conditions.length < best.conditions.length || (g.conditions.length === best.conditions.length && g.n > best.n)) best = g;
  }
  return best;
}

/**
 * Explained-away test: `c` adds evidence only if its rows outside the accepted slices still show the
 * effect: ≥ minEffect, with a one-sided p below the Benjamini–Hochberg step-up bound fdr·(k+1)/m for the
 * (k+1)-th reported slice among the m hypotheses tested. Nested, overlapping and diluted versions of an
 * accepted slice fail it.
 */
function addsEvidence(c: Candidate, accepted: readonly Candidate[], ctx: Context): boolean {
  if (accepted.some((a) => a === c || impliesConditions(c.conditions, a.conditions))) return false;
  const residual: Moments = { n: 0, sum: 0, sumSq: 0 };
  for (const i of conjunctionRows(ctx.features, ctx.index, c.conditions)) {
    if (ctx.covered[i]) continue;
    const v = ctx.metric[i]!;
    residual.n++;
    residual.sum += v;
    residual.sumSq += v * v;
  }
  if (residual.n < Math.max(10, c.n / 2)) return false;
  const cmp = compareSlice(residual, ctx.result.total, ctx.result.binary, ctx.direction);
  // Step-up threshold of Benjamini–Hochberg for the (k+1)-th reported slice among all m hypotheses tested.
  return cmp.effect >= ctx.minEffect && cmp.pValue <= (ctx.fdr * (accepted.length + 1)) / ctx.result.tested;
}

/**
 * Turns search candidates into reported slices. Significant candidates (q ≤ fdr, effect ≥ minEffect) are
 * visited strongest first; each is replaced by the most general significant slice containing it that
 * keeps ≥ keepRatio of its effect, and is accepted only if its effect survives removing the rows of the
 * slices already accepted (so nested, overlapping and diluted variants of one failure are merged into it).
 */
export function selectSlices(result: SearchResult, features: readonly SearchFeature[], metric: Float64Array, options: SelectOptions & { direction?: 1 | -1 } = {}): DiscoveredSlice[] {
  const ctx: Context = {
    result, features, metric,
    index: buildRowIndex(features),
    fdr: options.fdr ?? 0.05,
    minEffect: options.minEffect ?? 0.05,
    keepRatio: options.keepRatio ?? 0.8,
    direction: options.direction ?? 1,
    covered: new Uint8Array(metric.length),
  };
  const maxSlices = options.maxSlices ?? 20;
  const sig = result.candidates.filter((c) => c.qValue <= ctx.fdr && c.effect >= ctx.minEffect).sort((a, b) => b.statistic - a.statistic);
  const accepted: Candidate[] = [];
  for (const c of sig) {
    if (accepted.length >= maxSlices) break;
    if (!addsEvidence(c, accepted, ctx)) continue;
    const general = mostGeneral(c, sig, ctx.keepRatio);
    const chosen = general === c || addsEvidence(general, accepted, ctx) ? general : c;
    accepted.push(chosen);
    for (const i of conjunctionRows(features, ctx.index, chosen.conditions)) ctx.covered[i] = 1;
  }
  const slices = accepted.map((c) => toSlice(c, features, conjunctionRows(features, ctx.index, c.conditions), metric, metric.length, options.level ?? 0.95, result.binary, ctx.direction));
  return rank(slices, options.rankBy ?? 'score');
}

function toSlice(c: Candidate, features: readonly SearchFeature[], rows: Int32Array, metric: Float64Array, total: number, level: number, binary: boolean, direction: 1 | -1): DiscoveredSlice {
  let interval: DiscoveredSlice['interval'];
  if (binary) interval = wilsonInterval(c.sum, c.n, level);
  else {
    const sd = Math.sqrt(Math.max(0, (c.sumSq - (c.sum * c.sum) / c.n) / Math.max(1, c.n - 1)));
    const half = (zCritical(level) * sd) / Math.sqrt(c.n);
    interval = { low: c.mean - half, high: c.mean + half, level, method: 'normal' };
  }
  const examples = Array.from(rows).sort((a, b) => (metric[b]! - metric[a]!) * direction || a - b).slice(0, 5);
  const sorted = [...c.conditions].sort((a, b) => a.feature - b.feature);
  return {
    predicates: sorted.flatMap((k) => conditionPredicates(features[k.feature]!, k)),
    description: sorted.map((k) => describeCondition(features[k.feature]!, k)).join(' and '),
    conditions: sorted,
    n: c.n,
    support: c.n / total,
    metric: c.mean,
    restMetric: c.restMean,
    effect: c.effect,
    interval,
    statistic: c.statistic,
    pValue: c.pValue,
    qValue: c.qValue,
    examples,
  };
}

function rank(slices: DiscoveredSlice[], by: NonNullable<SelectOptions['rankBy']>): DiscoveredSlice[] {
  const key = (s: DiscoveredSlice): number => (by === 'effect' ? s.effect : by === 'size' ? s.n : by === 'significance' ? -s.qValue : s.effect * Math.sqrt(s.n));
  return slices.sort((a, b) => key(b) - key(a) || b.statistic - a.statistic);
}
