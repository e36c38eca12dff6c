import { GlassboxError } from '../../errors.js';
import type { HostBatch } from '../../train/types.js';

/**
 * The rows of a batch a MinDiff-style penalty compares, one-vs-rest: for each group present among the
 * eligible rows (those with the given label, or all), the normalised weights of that group (`inGroup`)
 * and of the other eligible rows (`rest`), each row of length `rows.length` and summing to 1.
 */
export interface OneVsRest {
  /** Indices of the eligible rows in the batch. */
  readonly rows: Int32Array;
  /** The groups compared (ids from the metadata column), in increasing order. */
  readonly groups: readonly number[];
  /** [groups × rows] weights of each group and of the rest, normalised per row. */
  readonly inGroup: Float32Array;
  readonly rest: Float32Array;
  /** Unnormalised membership (1 = in the group) per group and eligible row, for correlations. */
  readonly membership: Float32Array;
  /** The eligible rows' sample weights, normalised to sum 1. */
  readonly weights: Float32Array;
}

/**
 * Splits a batch's eligible rows one-vs-rest by the metadata column `groupKey` (negative ids = no group,
 * left out). Fewer than two groups present → `groups` is empty and the penalty is 0 for the batch.
 * With exactly two groups only the first is listed: "a vs rest" is then "a vs b", and "b vs rest" the same.
 */
export function oneVsRest(batch: HostBatch, groupKey: string, label: number | undefined): OneVsRest {
  const ids = batch.meta[groupKey];
  if (!ids) throw new GlassboxError('invalid_input', `MinDiff: the training data has no metadata column '${groupKey}'`, { argument: 'meta', hint: `Pass meta: { ${groupKey}: Int32Array } with one group id per row.` });
  const rows: number[] = [];
  for (let i = 0; i < batch.y.length; i++) if (ids[i]! >= 0 && (label === undefined || batch.y[i] === label) && batch.weights[i]! > 0) rows.push(i);
  const present = [...new Set(rows.map((i) => ids[i]!))].sort((a, b) => a - b);
  const m = rows.length;
  const empty = { rows: new Int32Array(0), groups: [], inGroup: new Float32Array(0), rest: new Float32Array(0), membership: new Float32Array(0), weights: new Float32Array(0) };
  if (present.length < 2) return empty;
  const groups = present.length === 2 ? [present[0]!] : present;
  const inGroup = new Float32Array(groups.length * m);
  const rest = new Float32Array(groups.length * m);
  const membership = new Float32Array(groups.length * m);
  const weights = new Float32Array(m);
  let total = 0;
  rows.forEach((i) => (total += batch.weights[i]!));
  groups.forEach((g, r) => {
    let wIn = 0;
    let wOut = 0;
    rows.forEach((i) => (ids[i] === g ? (wIn += batch.weights[i]!) : (wOut += batch.weights[i]!)));
    rows.forEach((i, j) => {
      const w = batch.weights[i]!;
      if (ids[i] === g) {
        inGroup[r * m + j] = w / wIn;
        membership[r * m + j] = 1;
      } else rest[r * m + j] = w / wOut;
    });
  });
  rows.forEach((i, j) => (weights[j] = batch.weights[i]! / total));
  return { rows: Int32Array.from(rows), groups, inGroup, rest, membership, weights };
}
