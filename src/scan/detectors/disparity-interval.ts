import { rateSpreadInterval } from '../../fairness/spread-interval.js';
import type { Grouping } from '../../math/stats/groups.js';
import type { Interval } from '../../results/finding.js';

/** Resamples of the bootstrap interval for max − min over more than two groups. */
export const DISPARITY_BOOTSTRAP_ITERATIONS = 1000;

/**
 * The interval for a demographic parity difference (max − min of the groups' selection rates):
 * Newcombe's hybrid score interval (Newcombe 1998, method 10) when there are two groups — the difference
 * of two independent proportions — and a bias-corrected bootstrap over rows, stratified by group and
 * seeded, when there are more. The same kernel (fairness/spread-interval.ts) gives `glassbox mitigate`
 * its FPR, TPR and selection-rate difference intervals.
 *
 * `grouping` gives each row's group (-1 = none) and `decisions` whether the row was selected.
 */
export function demographicParityInterval(grouping: Grouping, decisions: Uint8Array, options: { level: number; seed: number }): Interval {
  const everyRow = new Uint8Array(decisions.length).fill(1);
  return rateSpreadInterval(grouping, everyRow, decisions, { level: options.level, seed: options.seed, metric: 'demographic_parity_difference', rate: 'selection rate', iterations: DISPARITY_BOOTSTRAP_ITERATIONS }).interval;
}
