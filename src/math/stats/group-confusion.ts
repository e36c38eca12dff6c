import { GlassboxError } from '../../errors.js';

/**
 * Binary confusion counts of one group (weighted counts when weights are given). Label 1 = positive,
 * decision 1 = predicted positive (selected).
 */
export interface ConfusionCounts {
  readonly n: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
}

/**
 * The rates defined on confusion counts, with Fairlearn's names. A rate whose denominator is 0 is
 * undefined and is `null` — in the library's result objects and in JSON alike (DESIGN.md §4b). Kernels
 * may carry NaN in typed arrays internally, but never hand it out in a result.
 */
export interface ConfusionRates {
  readonly accuracy: number | null;
  readonly errorRate: number | null;
  /** Precision: tp / (tp + fp). */
  readonly ppv: number | null;
  /** Recall: tp / (tp + fn). */
  readonly tpr: number | null;
  readonly fpr: number | null;
  readonly fnr: number | null;
  /** (tp + fp) / n. */
  readonly selectionRate: number | null;
}

/** a / b, or null when b = 0 (an undefined rate). */
export function rateOrNull(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** The rates of one group's confusion counts; see ConfusionRates for the null convention. */
export function confusionRates(c: ConfusionCounts): ConfusionRates {
  const { n, tp, fp, tn, fn } = c;
  return {
    accuracy: rateOrNull(tp + tn, n),
    errorRate: rateOrNull(fp + fn, n),
    ppv: rateOrNull(tp, tp + fp),
    tpr: rateOrNull(tp, tp + fn),
    fpr: rateOrNull(fp, fp + tn),
    fnr: rateOrNull(fn, tp + fn),
    selectionRate: rateOrNull(tp + fp, n),
  };
}

/**
 * Per-group binary confusion counts: the one implementation behind slice disaggregation and the
 * fairness metrics. `codes[i]` is row i's group in 0..nGroups-1 (-1 = no group: the row is left out);
 * labels and decisions are 0/1 per row; optional weights make the counts weighted sums. Returns
 * nGroups entries, in code order (a group without rows has n = 0).
 */
export function countByGroup(codes: Int32Array, nGroups: number, labels: ArrayLike<number>, decisions: ArrayLike<number>, weights?: ArrayLike<number>): ConfusionCounts[] {
  const n = labels.length;
  if (codes.length !== n || decisions.length !== n || (weights && weights.length !== n)) {
    throw new GlassboxError('shape_mismatch', `Group codes have ${codes.length} rows, labels ${n}, decisions ${decisions.length}${weights ? `, weights ${weights.length}` : ''}.`, { argument: 'codes', hint: 'Pass arrays aligned row by row.' });
  }
  const c = new Float64Array(nGroups * 4); // tp, fp, tn, fn per group
  for (let i = 0; i < n; i++) {
    const g = codes[i]!;
    if (g < 0) continue;
    if (g >= nGroups) {
      throw new GlassboxError('invalid_input', `Row ${i} has group code ${g} but there are only ${nGroups} groups.`, { argument: 'codes', row: i, hint: 'Codes must index the group labels.' });
    }
    const slot = labels[i] ? (decisions[i] ? 0 : 3) : decisions[i] ? 1 : 2;
    c[g * 4 + slot]! += weights ? weights[i]! : 1;
  }
  return Array.from({ length: nGroups }, (_, g) => {
    const tp = c[g * 4]!;
    const fp = c[g * 4 + 1]!;
    const tn = c[g * 4 + 2]!;
    const fn = c[g * 4 + 3]!;
    return { n: tp + fp + tn + fn, tp, fp, tn, fn };
  });
}
