import { newcombeInterval } from '../../math/stats/newcombe.js';
import type { ConfidenceInterval } from '../../math/stats/index.js';
import { accuracyEstimate, type AccuracyEstimate } from './performance-drift.js';
import type { DomainAssignment } from './domains.js';

/** Domains with fewer labelled rows than this are reported but not eligible as the worst domain. */
export const MIN_DOMAIN_SIZE = 30;

export interface DomainPerformance extends AccuracyEstimate {
  readonly domain: string;
  /** Whether the domain has enough labelled rows (≥ minDomainSize) to be ranked. */
  readonly ranked: boolean;
}

export interface DomainBenchmark {
  readonly column: string;
  readonly how: string;
  readonly metric: 'accuracy';
  readonly pooled: AccuracyEstimate;
  readonly domains: readonly DomainPerformance[];
  /** The ranked domain with the lowest accuracy (WILDS' worst-group accuracy), or null when none is ranked. */
  readonly worst: DomainPerformance | null;
  /**
   * pooled − worst accuracy. Since pooled = w·worst + (1 − w)·rest with w the worst domain's share of rows,
   * the gap equals (1 − w)·(rest − worst); its interval is Newcombe's interval for rest − worst scaled by
   * (1 − w) (the domain sizes taken as fixed).
   */
  readonly gapToPooled: { readonly value: number; readonly interval: ConfidenceInterval } | null;
  /** rest − worst accuracy with Newcombe's interval (the worst domain against every other row). */
  readonly worstVsRest: { readonly value: number; readonly interval: ConfidenceInterval; readonly nRest: number } | null;
  readonly minDomainSize: number;
}

/**
 * Domain-shift benchmark in the manner of WILDS (Koh et al. 2021, "WILDS: A benchmark of in-the-wild
 * distribution shifts"): accuracy per domain with Wilson intervals, the worst domain's accuracy, and its
 * gap to the pooled accuracy with an interval. `correct` is 1 (right), 0 (wrong) or -1 (unlabelled, left
 * out) per row. The worst domain is chosen as the minimum, so its accuracy is optimistic as a test of
 * "some domain is worse" (winner's curse); the interval describes the chosen domain, not the selection.
 */
export function domainBenchmark(domains: DomainAssignment, correct: Int8Array, options: { level?: number; minDomainSize?: number } = {}): DomainBenchmark {
  const level = options.level ?? 0.95;
  const minSize = options.minDomainSize ?? MIN_DOMAIN_SIZE;
  const k = domains.labels.length;
  const n = new Float64Array(k);
  const right = new Float64Array(k);
  let pooledN = 0;
  let pooledRight = 0;
  for (let i = 0; i < correct.length; i++) {
    if (correct[i]! < 0) continue;
    pooledN++;
    pooledRight += correct[i]!;
    const d = domains.codes[i]!;
    if (d < 0) continue;
    n[d]! += 1;
    right[d]! += correct[i]!;
  }
  const rows: DomainPerformance[] = domains.labels.map((label, d) => ({ domain: label, ...accuracyEstimate(right[d]!, n[d]!, level), ranked: n[d]! >= minSize })).filter((r) => r.n > 0);
  const pooled = accuracyEstimate(pooledRight, pooledN, level);
  const ranked = rows.filter((r) => r.ranked);
  const worst = ranked.length > 0 ? ranked.reduce((w, r) => (r.accuracy! < w.accuracy! ? r : w)) : null;
  let gapToPooled: DomainBenchmark['gapToPooled'] = null;
  let worstVsRest: DomainBenchmark['worstVsRest'] = null;
  if (worst && pooledN > worst.n) {
    const restN = pooledN - worst.n;
    const restRight = pooledRight - worst.correct;
    const diff = newcombeInterval(restRight, restN, worst.correct, worst.n, level);
    const value = restRight / restN - worst.accuracy!;
    worstVsRest = { value, interval: diff, nRest: restN };
    const scale = restN / pooledN;
    gapToPooled = { value: pooled.accuracy! - worst.accuracy!, interval: { low: scale * diff.low, high: scale * diff.high, level, method: 'newcombe-hybrid-score (rest − worst) × rest share' } };
  }
  return { column: domains.column, how: domains.how, metric: 'accuracy', pooled, domains: rows, worst, gapToPooled, worstVsRest, minDomainSize: minSize };
}
