import type { FairnessSummary } from '../src/fairness/group-metrics.js';
import { newcombeInterval } from '../src/math/stats/newcombe.js';
import { stratifiedBootstrapInterval } from '../src/math/stats/stratified-bootstrap.js';
import type { Interval } from '../src/results/finding.js';

/** Resamples of the bootstrap interval for max − min over more than two groups. */
export const DISPARITY_BOOTSTRAP_ITERATIONS = 1000;

/**
 * The interval for a demographic parity difference (max − min of the groups' selection rates):
 * Newcombe's hybrid score interval (Newcombe 1998, method 10) when there are two groups — the difference
 * of two independent proportions — and a bias-corrected bootstrap over rows, stratified by group and
 * seeded, when there are more (the spread of several rates has no closed-form interval, and its
 * bootstrap distribution sits above the estimate, which the bias correction accounts for).
 *
 * `codes` gives each row's group (-1 = none) and `decisions` whether the row was selected; they must be
 * the rows `summary` was computed on.
 */
export function demographicParityInterval(summary: FairnessSummary, codes: Int32Array, decisions: Uint8Array, options: { level: number; seed: number }): Interval {
  const metric = 'demographic_parity_difference';
  const groups = [...summary.groups].sort((a, b) => a.selectionRate - b.selectionRate);
  if (groups.length === 2) {
    const [low, high] = groups as [FairnessSummary['groups'][number], FairnessSummary['groups'][number]];
    const ci = newcombeInterval(high.tp + high.fp, high.n, low.tp + low.fp, low.n, options.level);
    return { ...ci, method: `${ci.method} for ${metric} (selection rate of ${high.group} − ${low.group})` };
  }
  const k = Math.max(0, ...Array.from(codes)) + 1;
  const n = new Float64Array(k);
  const selected = new Float64Array(k);
  const spread = (rows: Int32Array): number => {
    n.fill(0);
    selected.fill(0);
    for (const i of rows) {
      n[codes[i]!]!++;
      selected[codes[i]!]! += decisions[i]!;
    }
    let max = -Infinity;
    let min = Infinity;
    for (let g = 0; g < k; g++) {
      if (n[g] === 0) continue;
      const rate = selected[g]! / n[g]!;
      if (rate > max) max = rate;
      if (rate < min) min = rate;
    }
    return max - min;
  };
  const what = `${metric} (max − min over ${groups.length} groups, ${DISPARITY_BOOTSTRAP_ITERATIONS} resamples, seed ${options.seed})`;
  const { estimate: _e, ...ci } = stratifiedBootstrapInterval(codes, spread, { iterations: DISPARITY_BOOTSTRAP_ITERATIONS, level: options.level, seed: options.seed, what });
  return ci;
}
