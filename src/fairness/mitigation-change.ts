import { GlassboxError } from '../errors.js';
import { stratifiedBootstrapInterval } from '../math/stats/stratified-bootstrap.js';
import type { ConfidenceInterval } from '../math/stats/interval.js';
import type { Grouping } from '../math/stats/groups.js';
import { SPREAD_BOOTSTRAP_ITERATIONS } from './spread-interval.js';

export type MitigationMetricName = 'accuracy' | 'fprDifference' | 'tprDifference' | 'selectionRateDifference';

/** after − before of one metric on the same rows, with a paired interval (null when either side is undefined). */
export interface MetricChange {
  readonly value: number | null;
  readonly interval: ConfidenceInterval;
}

const METRICS: readonly MitigationMetricName[] = ['accuracy', 'fprDifference', 'tprDifference', 'selectionRateDifference'];

/**
 * The change after − before of accuracy and of the three rate spreads (max − min over groups) when two sets
 * of decisions are judged on the same rows, with a paired bias-corrected bootstrap interval: each resample
 * draws the rows within each group (rows without a group form one more stratum) and evaluates both
 * decision sets on it, so the interval accounts for the two sides sharing their rows (comparing the two
 * sides' own intervals does not: they can overlap while the paired change excludes 0). Every metric uses
 * the same resamples (same seed); same seed → same intervals.
 */
export function mitigationChange(grouping: Grouping, labels: Uint8Array, before: Uint8Array, after: Uint8Array, options: { readonly level?: number; readonly seed?: number; readonly iterations?: number; readonly signal?: AbortSignal } = {}): Record<MitigationMetricName, MetricChange> {
  const n = labels.length;
  if (before.length !== n || after.length !== n || grouping.codes.length !== n) {
    throw new GlassboxError('shape_mismatch', `mitigationChange: ${n} labels, ${before.length} and ${after.length} decisions, ${grouping.codes.length} group codes.`, { argument: 'after', hint: 'Judge both decision sets on the same rows.' });
  }
  const k = grouping.labels.length;
  const { codes } = grouping;
  const strata = Int32Array.from(codes, (g) => (g >= 0 ? g : k));
  const count = new Float64Array((k + 1) * 8);
  const statistic = (metric: MitigationMetricName) => (rows: Int32Array): number => {
    count.fill(0);
    for (const i of rows) {
      const base = strata[i]! * 8 + labels[i]! * 4;
      count[base]!++;
      count[base + 1]! += before[i]!;
      count[base + 2]! += after[i]!;
      count[base + 3]! += labels[i] === before[i] ? 1 : 0;
      count[base + 3]! -= labels[i] === after[i] ? 1 : 0;
    }
    if (metric === 'accuracy') {
      let delta = 0;
      for (let s = 0; s <= k; s++) delta -= count[s * 8 + 3]! + count[s * 8 + 7]!;
      return delta / rows.length;
    }
    const spread = (side: 1 | 2): number => {
      let max = -Infinity;
      let min = Infinity;
      let defined = 0;
      for (let g = 0; g < k; g++) {
        const neg = [count[g * 8]!, count[g * 8 + side]!];
        const pos = [count[g * 8 + 4]!, count[g * 8 + 4 + side]!];
        const [den, hit] = metric === 'fprDifference' ? neg : metric === 'tprDifference' ? pos : [neg[0]! + pos[0]!, neg[1]! + pos[1]!];
        if (den === 0) continue;
        defined++;
        const rate = hit! / den!;
        if (rate > max) max = rate;
        if (rate < min) min = rate;
      }
      return defined < 2 ? Number.NaN : max - min;
    };
    const a = spread(1);
    const b = spread(2);
    return Number.isFinite(a) && Number.isFinite(b) ? b - a : Number.NaN;
  };
  const iterations = options.iterations ?? SPREAD_BOOTSTRAP_ITERATIONS;
  const seed = options.seed ?? 0;
  const out = {} as Record<MitigationMetricName, MetricChange>;
  for (const metric of METRICS) {
    const what = `the change after − before in ${metric} (paired, ${iterations} resamples within groups, seed ${seed})`;
    const { estimate, ...interval } = stratifiedBootstrapInterval(strata, statistic(metric), { iterations, level: options.level ?? 0.95, seed, what, ...(options.signal ? { signal: options.signal } : {}) });
    out[metric] = { value: Number.isNaN(estimate) ? null : estimate, interval };
  }
  return out;
}
