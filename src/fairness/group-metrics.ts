import { GlassboxError } from '../errors.js';
import { confusionRates, countByGroup } from '../math/stats/group-confusion.js';
import type { ConfusionCounts, ConfusionRates } from '../math/stats/group-confusion.js';
import type { Grouping } from '../math/stats/groups.js';

/**
 * Confusion counts and rates of one group, from the shared kernel (math/stats/group-confusion.ts). An
 * undefined rate (e.g. TPR of a group without positives) is null, as in slice's GroupRow and in JSON.
 */
export interface GroupRates extends ConfusionCounts, ConfusionRates {
  readonly group: string;
  /** Always defined: a group is listed only when it has rows. */
  readonly selectionRate: number;
  readonly accuracy: number;
  readonly errorRate: number;
}

/**
 * Group-level disparities with Fairlearn's names and semantics: difference = max − min and
 * ratio = min / max of a per-group rate over the groups that have rows, ignoring groups where the rate
 * is undefined (pandas' skipna, which MetricFrame.difference/ratio inherit). NaN when no group defines
 * the rate or a ratio is 0/0: these summary numbers stay NaN in the typed result and are written as null
 * in JSON (JSON.stringify writes NaN as null; the CLI and the scan write them through it).
 */
export interface FairnessSummary {
  readonly grouping: string;
  readonly groups: readonly GroupRates[];
  /** fairlearn.metrics.demographic_parity_difference / _ratio (selection rate). */
  readonly demographicParityDifference: number;
  readonly demographicParityRatio: number;
  /** fairlearn.metrics.equalized_odds_difference = max(TPR difference, FPR difference); ratio = min of the ratios. */
  readonly equalizedOddsDifference: number;
  readonly equalizedOddsRatio: number;
  /** fairlearn.metrics.equal_opportunity_difference / _ratio (true-positive rate). */
  readonly equalOpportunityDifference: number;
  readonly equalOpportunityRatio: number;
  /** Predictive parity: difference and ratio of PPV (precision) across groups. */
  readonly predictiveParityDifference: number;
  readonly predictiveParityRatio: number;
  readonly fprDifference: number;
  readonly fprRatio: number;
}

const div = (a: number, b: number): number => (b === 0 ? Number.NaN : a / b);

/** Per-group confusion counts (optionally weighted) for binary labels and decisions; groups without rows are left out. */
export function groupRates(grouping: Grouping, labels: Uint8Array, decisions: Uint8Array, weights?: Float64Array): GroupRates[] {
  const n = labels.length;
  if (grouping.codes.length !== n || decisions.length !== n || (weights && weights.length !== n)) {
    throw new GlassboxError('shape_mismatch', `Grouping "${grouping.name}" has ${grouping.codes.length} rows, labels ${n}, decisions ${decisions.length}${weights ? `, weights ${weights.length}` : ''}.`, { argument: 'grouping', hint: 'Pass arrays aligned row by row.' });
  }
  const k = grouping.labels.length;
  const bad = grouping.codes.findIndex((g) => g >= k);
  if (bad >= 0) {
    throw new GlassboxError('invalid_input', `Grouping "${grouping.name}" row ${bad} has group code ${grouping.codes[bad]} but only ${k} labels.`, { argument: 'grouping', row: bad, hint: 'Codes must index the labels.' });
  }
  const out: GroupRates[] = [];
  countByGroup(grouping.codes, k, labels, decisions, weights).forEach((counts, g) => {
    if (counts.n === 0) return;
    const rates = confusionRates(counts);
    out.push({ group: grouping.labels[g]!, ...counts, ...rates, selectionRate: rates.selectionRate!, accuracy: rates.accuracy!, errorRate: rates.errorRate! });
  });
  return out;
}

/** max − min and min / max of the defined values (null or NaN = undefined; NaN when none is defined). */
export function spread(values: readonly (number | null)[]): { difference: number; ratio: number } {
  const defined = values.filter((v): v is number => v !== null && !Number.isNaN(v));
  if (defined.length === 0) return { difference: Number.NaN, ratio: Number.NaN };
  const max = Math.max(...defined);
  const min = Math.min(...defined);
  return { difference: max - min, ratio: div(min, max) };
}

/**
 * Fairness summary of binary decisions across the groups of one grouping (Fairlearn semantics; see
 * FairnessSummary). Hardt, Price & Srebro (2016) define equalized odds and equal opportunity.
 */
export function fairnessSummary(grouping: Grouping, labels: Uint8Array, decisions: Uint8Array, weights?: Float64Array): FairnessSummary {
  const groups = groupRates(grouping, labels, decisions, weights);
  const dp = spread(groups.map((g) => g.selectionRate));
  const tpr = spread(groups.map((g) => g.tpr));
  const fpr = spread(groups.map((g) => g.fpr));
  const ppv = spread(groups.map((g) => g.ppv));
  return {
    grouping: grouping.name,
    groups,
    demographicParityDifference: dp.difference,
    demographicParityRatio: dp.ratio,
    equalizedOddsDifference: Math.max(tpr.difference, fpr.difference),
    equalizedOddsRatio: Math.min(tpr.ratio, fpr.ratio),
    equalOpportunityDifference: tpr.difference,
    equalOpportunityRatio: tpr.ratio,
    predictiveParityDifference: ppv.difference,
    predictiveParityRatio: ppv.ratio,
    fprDifference: fpr.difference,
    fprRatio: fpr.ratio,
  };
}

/**
 * Multiclass fairness, one-vs-rest: for each class c, labels and decisions become "is c" and the
 * binary summary is computed (Fairlearn's metrics are binary; this is the usual OvR extension).
 */
export function multiclassFairness(grouping: Grouping, labels: ArrayLike<number>, predictions: ArrayLike<number>, classes: readonly string[]): { readonly class: string; readonly summary: FairnessSummary }[] {
  const n = labels.length;
  return classes.map((name, c) => {
    const y = new Uint8Array(n);
    const d = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = labels[i] === c ? 1 : 0;
      d[i] = predictions[i] === c ? 1 : 0;
    }
    return { class: name, summary: fairnessSummary(grouping, y, d) };
  });
}
