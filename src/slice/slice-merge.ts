import type { Predicate } from '../data/predicate.js';
import { wilsonInterval } from '../math/stats/wilson.js';
import { zCritical } from '../math/stats/normal.js';
import { refineRanges } from './range-refine.js';
import { buildRowIndex, conditionKey, conditionPredicates, conjunctionRows, describeCondition, impliesConditions } from './search-features.js';
import type { Condition, RowIndex, SearchFeature } from './search-features.js';
import { familyScale } from './slice-search.js';
import type { Candidate, SearchResult } from './slice-search.js';
import { compareSlice } from './slice-stats.js';
import type { Comparison, Moments } from './slice-stats.js';

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
  /** One-sided p-value; for a refined range, Bonferroni-adjusted over the `boundaryPairs` tried. */
  readonly pValue: number;
  readonly qValue: number;
  /** Present when numeric bounds were refined between bin edges: the (lower, upper) bound pairs tried. */
  readonly boundaryPairs?: number;
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
  /** Refine numeric range bounds between quantile-bin edges after selection (default true). See refineRanges. */
  readonly refine?: boolean;
  /** Cut points tried per coarse bin next to each bound when refining (default 8). */
  readonly refineCuts?: number;
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
  /** Moments of the metric over the rows not covered yet. */
  readonly uncovered: Moments;
  /** Conditions of the accepted slices as selected, before refinement: their nested variants are explained too. */
  readonly selected: (readonly Condition[])[];
}

/** Marks the rows of an accepted slice as covered. */
function cover(ctx: Context, conditions: readonly Condition[]): void {
  for (const i of conjunctionRows(ctx.features, ctx.index, conditions, false)) {
    if (ctx.covered[i]) continue;
    ctx.covered[i] = 1;
    const v = ctx.metric[i]!;
    ctx.uncovered.n--;
    ctx.uncovered.sum -= v;
    ctx.uncovered.sumSq -= v * v;
  }
}

/** The slice's rows outside the accepted slices, compared with the other uncovered rows. */
function residualComparison(c: Candidate, ctx: Context): Comparison & { n: number } {
  const residual: Moments = { n: 0, sum: 0, sumSq: 0 };
  for (const i of conjunctionRows(ctx.features, ctx.index, c.conditions, false)) {
    if (ctx.covered[i]) continue;
    const v = ctx.metric[i]!;
    residual.n++;
    residual.sum += v;
    residual.sumSq += v * v;
  }
  return { ...compareSlice(residual, ctx.uncovered, ctx.result.binary, ctx.direction), n: residual.n };
}

/**
 * The most general significant slice containing `c` whose effect outside the accepted slices keeps
 * ≥ keepRatio of c's (or `c`); among equally general ones, the one with the strongest residual evidence
 * (so a range is not widened past the failure). Comparing outside the accepted slices matters: a
 * conjunction that overlaps an accepted failure ("b and x in R" beside an accepted "a and b") looks
 * stronger than the real failure "x in R" only because of the rows it shares with it.
 */
function mostGeneral(c: Candidate, sig: readonly Candidate[], ctx: Context): Candidate {
  let best = c;
  let bestStatistic = -Infinity;
  let own: number | undefined;
  for (const g of sig) {
    if (g.conditions.length >= c.conditions.length || g.conditions.length > best.conditions.length || !impliesConditions(c.conditions, g.conditions)) continue;
    own ??= residualComparison(c, ctx).effect;
    const r = residualComparison(g, ctx);
    if (r.effect < ctx.keepRatio * own) continue;
    if (g.conditions.length < best.conditions.length || r.statistic > bestStatistic) {
      best = g;
      bestStatistic = r.statistic;
    }
  }
  return best;
}

/**
 * Explained-away test: `c` adds evidence only if its rows outside the accepted slices still show the
 * effect against the other rows outside them (the accepted slices explain their own rows, so neither
 * side counts them): ≥ minEffect, with a one-sided p below the weighted Benjamini–Hochberg step-up bound
 * fdr·(k+1)/familyScale for the (k+1)-th reported slice. Nested, overlapping and diluted versions of an
 * accepted slice fail it.
 */
function addsEvidence(c: Candidate, accepted: readonly Candidate[], ctx: Context, pairs = 1): boolean {
  if (accepted.some((a) => a === c || impliesConditions(c.conditions, a.conditions))) return false;
  if (ctx.selected.some((conditions) => impliesConditions(c.conditions, conditions))) return false;
  const cmp = residualComparison(c, ctx);
  if (cmp.n < Math.max(10, c.n / 2)) return false;
  // Step-up threshold of weighted Benjamini–Hochberg for the (k+1)-th reported slice (see familyScale).
  return cmp.effect >= ctx.minEffect && cmp.pValue * pairs * familyScale(ctx.result, c.conditions.length) <= ctx.fdr * (accepted.length + 1);
}

interface Chosen {
  readonly candidate: Candidate;
  /** Boundary pairs tried when its numeric bounds were refined; 1 when not refined. */
  readonly pairs: number;
}

/**
 * The refined version of an accepted slice when it passes the same step-up bound as the slice it refines
 * with its p-value multiplied by the boundary pairs tried (a Bonferroni correction for choosing among
 * them), has at least minEffect and differs from it; otherwise the slice itself.
 */
function refined(c: Candidate, rank: number, ctx: Context, cuts: number): Chosen {
  const r = refineRanges(c.conditions, { features: ctx.features, index: ctx.index, metric: ctx.metric, total: ctx.result.total, binary: ctx.result.binary, direction: ctx.direction, minSupport: ctx.result.minSupport, fine: cuts });
  if (!r || conditionKey(r.conditions) === conditionKey(c.conditions)) return { candidate: c, pairs: 1 };
  const cmp = compareSlice(r.moments, ctx.result.total, ctx.result.binary, ctx.direction);
  const adjusted = Math.min(1, cmp.pValue * r.pairs);
  const q = Math.min(1, (adjusted * familyScale(ctx.result, c.conditions.length)) / rank);
  if (cmp.effect < ctx.minEffect || q > ctx.fdr) return { candidate: c, pairs: 1 };
  return { candidate: { ...cmp, pValue: adjusted, qValue: Math.max(c.qValue, q), conditions: r.conditions, n: r.moments.n, sum: r.moments.sum, sumSq: r.moments.sumSq }, pairs: r.pairs };
}

/**
 * Drops accepted slices whose evidence is explained by the slices accepted *after* them: the greedy pass
 * only removes the rows of earlier slices, so a conjunction overlapping a later, real failure ("b and x in
 * R" before "a and b and z in S") could pass on the later failure's rows. Each slice, weakest first, is
 * re-tested on its rows outside every other kept slice, at the step-up bound of its own rank.
 */
function pruneExplained(chosen: Chosen[], ctx: Context): Chosen[] {
  const kept = [...chosen];
  for (let k = kept.length - 1; k >= 0 && kept.length > 1; k--) {
    ctx.covered.fill(0);
    Object.assign(ctx.uncovered, ctx.result.total);
    kept.forEach((other, j) => {
      if (j !== k) cover(ctx, other.candidate.conditions);
    });
    const { candidate, pairs } = kept[k]!;
    const cmp = residualComparison(candidate, ctx);
    const holds = cmp.n >= Math.max(10, candidate.n / 2) && cmp.effect >= ctx.minEffect && cmp.pValue * pairs * familyScale(ctx.result, candidate.conditions.length) <= ctx.fdr * (k + 1);
    if (!holds) kept.splice(k, 1);
  }
  return kept;
}

/**
 * Turns search candidates into reported slices. Significant candidates (q ≤ fdr, effect ≥ minEffect) are
 * visited strongest first; each is replaced by the most general significant slice containing it that
 * keeps ≥ keepRatio of its effect outside the accepted slices, and is accepted only if its effect survives
 * removing the rows of the slices already accepted (so nested, overlapping and diluted variants of one
 * failure are merged into it). Its numeric ranges are then refined between bin edges (see refineRanges),
 * the refined slice tested at the same step-up bound with a Bonferroni factor for the bounds tried.
 * Finally a slice explained by the slices accepted after it is dropped (pruneExplained).
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
    uncovered: { ...result.total },
    selected: [],
  };
  const maxSlices = options.maxSlices ?? 20;
  const sig = result.candidates.filter((c) => c.qValue <= ctx.fdr && c.effect >= ctx.minEffect).sort((a, b) => b.statistic - a.statistic);
  const accepted: Candidate[] = [];
  const chosen: Chosen[] = [];
  for (const c of sig) {
    if (accepted.length >= maxSlices) break;
    if (!addsEvidence(c, accepted, ctx)) continue;
    const general = mostGeneral(c, sig, ctx);
    const coarse = general === c || addsEvidence(general, accepted, ctx) ? general : c;
    let pick: Chosen = { candidate: coarse, pairs: 1 };
    if (options.refine !== false) {
      const r = refined(coarse, accepted.length + 1, ctx, options.refineCuts ?? 8);
      if (r.pairs > 1 && addsEvidence(r.candidate, accepted, ctx, r.pairs)) pick = r;
    }
    accepted.push(pick.candidate);
    ctx.selected.push(coarse.conditions);
    chosen.push(pick);
    cover(ctx, pick.candidate.conditions);
  }
  const slices = pruneExplained(chosen, ctx).map(({ candidate: c, pairs }) => toSlice(c, features, conjunctionRows(features, ctx.index, c.conditions), metric, metric.length, options.level ?? 0.95, result.binary, ctx.direction, pairs));
  return rank(slices, options.rankBy ?? 'score');
}

function toSlice(c: Candidate, features: readonly SearchFeature[], rows: Int32Array, metric: Float64Array, total: number, level: number, binary: boolean, direction: 1 | -1, pairs: number): DiscoveredSlice {
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
    ...(pairs > 1 ? { boundaryPairs: pairs } : {}),
    examples,
  };
}

function rank(slices: DiscoveredSlice[], by: NonNullable<SelectOptions['rankBy']>): DiscoveredSlice[] {
  const key = (s: DiscoveredSlice): number => (by === 'effect' ? s.effect : by === 'size' ? s.n : by === 'significance' ? -s.qValue : s.effect * Math.sqrt(s.n));
  return slices.sort((a, b) => key(b) - key(a) || b.statistic - a.statistic);
}
