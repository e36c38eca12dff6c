import { throwIfAborted } from '../errors.js';
import { countByGroup } from '../math/stats/group-confusion.js';
import type { ConfusionCounts } from '../math/stats/group-confusion.js';
import type { Grouping } from './groupings.js';
import type { Outcomes } from './outcomes.js';
import { rowLogLoss } from './outcomes.js';

/** Confusion counts and loss sums for one group of one grouping set. */
export interface GroupSums extends ConfusionCounts {
  /** Indices (into the groupings) of the attributes this group is defined on; [] = all rows. */
  readonly set: readonly number[];
  /** The group's code for each attribute of `set`. */
  readonly codes: readonly number[];
  readonly lossSum: number;
  readonly brierSum: number;
  readonly scoreSum: number;
}

/** Every subset of 0..m-1 with 1..k elements, by size then lexicographically. */
export function subsetsUpTo(m: number, k: number): number[][] {
  const out: number[][] = [];
  const build = (start: number, current: number[], size: number): void => {
    if (current.length === size) {
      out.push([...current]);
      return;
    }
    for (let i = start; i < m; i++) build(i + 1, [...current, i], size);
  };
  for (let size = 1; size <= Math.min(k, m); size++) build(0, [], size);
  return out;
}

/**
 * Each row's group in the grouping set `set` (codes of the set's attributes combined in mixed radix, so
 * numeric order = lexicographic order of the codes; -1 when any attribute is missing), numbered 0..k-1
 * in that order. Returns those codes and each group's attribute codes; groups may be empty.
 */
function setCodes(groupings: readonly Grouping[], set: readonly number[], n: number): { codes: Int32Array; groups: number[][] } {
  const columns = set.map((j) => groupings[j]!.codes);
  const radix = set.map((j) => Math.max(1, groupings[j]!.labels.length));
  columns.forEach((codes, k) => {
    for (let i = 0; i < n; i++) if (codes[i]! >= radix[k]!) radix[k] = codes[i]! + 1;
  });
  const space = radix.reduce((a, b) => a * b, 1);
  // Int32 keys index the lookup table on V8's fast path; larger key spaces need float64 keys.
  const keys = space <= DENSE_KEYS ? new Int32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let key = 0;
    for (let k = 0; k < columns.length; k++) {
      const c = columns[k]![i]!;
      if (c < 0) {
        key = -1;
        break;
      }
      key = key * radix[k]! + c;
    }
    keys[i] = key;
  }
  // A small key space is used as is (empty groups are dropped by the caller); larger ones are compacted.
  const { codes, sorted } = space <= SMALL_KEYS ? { codes: keys as Int32Array, sorted: Array.from({ length: space }, (_, key) => key) } : keys instanceof Int32Array ? compactDense(keys, space) : compactSparse(keys);
  const groups = sorted.map((key) => {
    const out = new Array<number>(set.length);
    for (let k = set.length - 1; k >= 0; k--) {
      out[k] = key % radix[k]!;
      key = Math.floor(key / radix[k]!);
    }
    return out;
  });
  return { codes, groups };
}

/** Largest key space used directly as group codes. */
const SMALL_KEYS = 1 << 16;
/** Largest key space compacted through a lookup table rather than a Map. */
const DENSE_KEYS = 1 << 22;

function compactDense(keys: Int32Array, space: number): { codes: Int32Array; sorted: number[] } {
  const slot = new Int32Array(space).fill(-1);
  for (const key of keys) if (key >= 0) slot[key] = 0;
  const sorted: number[] = [];
  for (let key = 0; key < space; key++) if (slot[key] === 0) slot[key] = sorted.push(key) - 1;
  const codes = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) codes[i] = keys[i]! < 0 ? -1 : slot[keys[i]!]!;
  return { codes, sorted };
}

function compactSparse(keys: Float64Array): { codes: Int32Array; sorted: number[] } {
  const sorted = [...new Set(keys)].filter((key) => key >= 0).sort((a, b) => a - b);
  const index = new Map(sorted.map((key, g) => [key, g]));
  const codes = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) codes[i] = keys[i]! < 0 ? -1 : index.get(keys[i]!)!;
  return { codes, sorted };
}

/** Per-group sums of log loss, Brier and score (3 per group). */
function scoreSums(codes: Int32Array, k: number, loss: Float64Array, brier: Float64Array, scores: Float64Array): Float64Array {
  const sums = new Float64Array(k * 3);
  for (let i = 0; i < codes.length; i++) {
    const g = codes[i]!;
    if (g < 0) continue;
    sums[g * 3]! += loss[i]!;
    sums[g * 3 + 1]! += brier[i]!;
    sums[g * 3 + 2]! += scores[i]!;
  }
  return sums;
}

/**
 * Per-group confusion counts (math/stats countByGroup, the implementation fairness uses too) and loss
 * sums for every grouping set in `sets` plus the grand total. Groups with a missing code (-1) on any of
 * their attributes are dropped. Results are ordered by set, then by codes.
 */
export async function groupSums(groupings: readonly Grouping[], outcomes: Outcomes, sets: readonly (readonly number[])[], signal?: AbortSignal): Promise<GroupSums[]> {
  throwIfAborted(signal);
  const n = outcomes.n;
  const loss = rowLogLoss(outcomes);
  const scores = outcomes.scores;
  const brier = new Float64Array(scores ? n : 0);
  for (let i = 0; i < brier.length; i++) brier[i] = (scores![i]! - outcomes.labels[i]!) ** 2;
  const out: GroupSums[] = [];
  for (const set of [[], ...sets]) {
    throwIfAborted(signal);
    const { codes, groups } = set.length === 0 ? { codes: new Int32Array(n), groups: [[]] } : setCodes(groupings, set, n);
    const k = groups.length;
    const counts = countByGroup(codes, k, outcomes.labels, outcomes.decisions);
    const sums = scores && loss ? scoreSums(codes, k, loss, brier, scores) : new Float64Array(k * 3);
    groups.forEach((groupCodes, g) => {
      const c = counts[g]!;
      if (c.n === 0 && set.length > 0) return;
      out.push({ set: [...set], codes: groupCodes, ...c, lossSum: sums[g * 3]!, brierSum: sums[g * 3 + 1]!, scoreSum: sums[g * 3 + 2]! });
    });
  }
  return out;
}
