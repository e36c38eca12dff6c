import { GlassboxError } from '../errors.js';
import { wilsonInterval } from '../math/stats/wilson.js';
import type { ConfidenceInterval } from '../math/stats/interval.js';
import type { Grouping } from '../math/stats/groups.js';
import { groupRates } from './group-metrics.js';
import type { GroupRates } from './group-metrics.js';
import { rateSpreadInterval } from './spread-interval.js';

/**
 * Accuracy and the three group disparities a mitigation is judged by, on one set of (held-out) rows,
 * each beside its interval. A difference is max − min over the groups that define the rate; null when
 * fewer than two do.
 */
export interface MitigationMetrics {
  readonly n: number;
  readonly accuracy: number;
  readonly fprDifference: number | null;
  readonly tprDifference: number | null;
  readonly selectionRateDifference: number | null;
  readonly intervals: {
    readonly accuracy: ConfidenceInterval;
    readonly fprDifference: ConfidenceInterval;
    readonly tprDifference: ConfidenceInterval;
    readonly selectionRateDifference: ConfidenceInterval;
  };
  readonly groups: readonly GroupRates[];
}

/**
 * Accuracy (Wilson interval) and the FPR, TPR and selection-rate differences (max − min over groups;
 * Newcombe's interval for two groups, a group-stratified bias-corrected bootstrap for more, see
 * {@link rateSpreadInterval}) of binary decisions. Same seed → same intervals.
 */
export function mitigationMetrics(grouping: Grouping, labels: Uint8Array, decisions: Uint8Array, options: { readonly level?: number; readonly seed?: number; readonly signal?: AbortSignal } = {}): MitigationMetrics {
  const n = labels.length;
  if (decisions.length !== n || grouping.codes.length !== n) {
    throw new GlassboxError('shape_mismatch', `mitigationMetrics: ${n} labels, ${decisions.length} decisions, ${grouping.codes.length} group codes.`, { argument: 'decisions', hint: 'Pass arrays aligned row by row.' });
  }
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 0;
  let correct = 0;
  for (let i = 0; i < n; i++) if (labels[i] === decisions[i]) correct++;
  const all = new Uint8Array(n).fill(1);
  const negatives = Uint8Array.from(labels, (y) => (y === 0 ? 1 : 0));
  const common = { level, seed, ...(options.signal ? { signal: options.signal } : {}) };
  const fpr = rateSpreadInterval(grouping, negatives, decisions, { ...common, metric: 'fpr_difference', rate: 'FPR' });
  const tpr = rateSpreadInterval(grouping, labels, decisions, { ...common, metric: 'tpr_difference', rate: 'TPR' });
  const sel = rateSpreadInterval(grouping, all, decisions, { ...common, metric: 'selection_rate_difference', rate: 'selection rate' });
  return {
    n,
    accuracy: n === 0 ? Number.NaN : correct / n,
    fprDifference: fpr.value,
    tprDifference: tpr.value,
    selectionRateDifference: sel.value,
    intervals: { accuracy: wilsonInterval(correct, n, level), fprDifference: fpr.interval, tprDifference: tpr.interval, selectionRateDifference: sel.interval },
    groups: groupRates(grouping, labels, decisions),
  };
}
