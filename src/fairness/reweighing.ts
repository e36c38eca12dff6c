import { GlassboxError } from '../errors.js';
import type { Grouping } from '../math/stats/groups.js';

export interface ReweighingCell {
  readonly group: string;
  readonly label: 0 | 1;
  readonly n: number;
  /** W(g, y) = P(g) P(y) / P(g, y). */
  readonly weight: number;
}

export interface Reweighing {
  /** One weight per row (1 for rows without a group). */
  readonly weights: Float64Array;
  readonly cells: readonly ReweighingCell[];
  /** Positive-label rate per group before and after weighting (after: all equal the overall rate). */
  readonly positiveRate: readonly { readonly group: string; readonly before: number; readonly after: number }[];
}

/**
 * Reweighing (Kamiran & Calders, "Data preprocessing techniques for classification without
 * discrimination", KAIS 2012): weight W(g, y) = P(g)·P(y) / P(g, y) makes the label statistically
 * independent of the group in the weighted training data. Use the weights for retraining.
 */
export function reweighing(grouping: Grouping, labels: Uint8Array): Reweighing {
  const n = labels.length;
  if (grouping.codes.length !== n) {
    throw new GlassboxError('shape_mismatch', `Grouping "${grouping.name}" has ${grouping.codes.length} rows, labels ${n}.`, { argument: 'grouping', hint: 'Pass aligned arrays.' });
  }
  const k = grouping.labels.length;
  const count = new Float64Array(k * 2);
  let total = 0;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const g = grouping.codes[i]!;
    if (g < 0) continue;
    count[g * 2 + labels[i]!]! += 1;
    total++;
    positives += labels[i]!;
  }
  const pY = [(total - positives) / total, positives / total];
  const w = new Float64Array(k * 2);
  const cells: ReweighingCell[] = [];
  for (let g = 0; g < k; g++) {
    const ng = count[g * 2]! + count[g * 2 + 1]!;
    if (ng === 0) continue;
    for (const y of [0, 1] as const) {
      const ngy = count[g * 2 + y]!;
      w[g * 2 + y] = ngy === 0 ? 1 : ((ng / total) * pY[y]!) / (ngy / total);
      cells.push({ group: grouping.labels[g]!, label: y, n: ngy, weight: w[g * 2 + y]! });
    }
  }
  const weights = new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++) if (grouping.codes[i]! >= 0) weights[i] = w[grouping.codes[i]! * 2 + labels[i]!]!;
  const positiveRate = [];
  for (let g = 0; g < k; g++) {
    const [n0, n1] = [count[g * 2]!, count[g * 2 + 1]!];
    if (n0 + n1 === 0) continue;
    positiveRate.push({ group: grouping.labels[g]!, before: n1 / (n0 + n1), after: (n1 * w[g * 2 + 1]!) / (n0 * w[g * 2]! + n1 * w[g * 2 + 1]!) });
  }
  return { weights, cells, positiveRate };
}
