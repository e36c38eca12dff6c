import { throwIfAborted } from '../errors.js';
import { withFrame } from './duckdb-frame.js';
import type { FrameColumn } from './duckdb-frame.js';
import type { Grouping } from './groupings.js';
import type { Outcomes } from './outcomes.js';
import { rowLogLoss } from './outcomes.js';

/** Sums for one group of one grouping set, as DuckDB's GROUPING SETS aggregate returns them. */
export interface GroupSums {
  /** Indices (into the groupings) of the attributes this group is defined on; [] = all rows. */
  readonly set: readonly number[];
  /** The group's code for each attribute of `set`. */
  readonly codes: readonly number[];
  readonly n: number;
  readonly positives: number;
  readonly selected: number;
  readonly tp: number;
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

function frameColumns(groupings: readonly Grouping[], outcomes: Outcomes): FrameColumn[] {
  const n = outcomes.n;
  const y = Int32Array.from(outcomes.labels);
  const d = Int32Array.from(outcomes.decisions);
  const loss = rowLogLoss(outcomes) ?? new Float64Array(n);
  const brier = new Float64Array(n);
  const score = new Float64Array(n);
  if (outcomes.scores) {
    for (let i = 0; i < n; i++) {
      const s = outcomes.scores[i]!;
      brier[i] = (s - outcomes.labels[i]!) ** 2;
      score[i] = s;
    }
  }
  return [
    ...groupings.map((g, j) => ({ name: `g${j}`, values: g.codes })),
    { name: 'y', values: y },
    { name: 'd', values: d },
    { name: 'loss', values: loss },
    { name: 'brier', values: brier },
    { name: 'score', values: score },
  ];
}

/**
 * Per-group confusion counts and loss sums for every grouping set in `sets` plus the grand total, in one
 * DuckDB `GROUP BY GROUPING SETS` query. Groups with a missing code (-1) on any of their attributes are
 * dropped. Results are ordered by set, then by codes.
 */
export async function groupSums(groupings: readonly Grouping[], outcomes: Outcomes, sets: readonly (readonly number[])[], signal?: AbortSignal): Promise<GroupSums[]> {
  throwIfAborted(signal);
  const m = groupings.length;
  const g = groupings.map((_, j) => `g${j}`);
  const groupingSets = [...sets.map((s) => `(${s.map((j) => g[j]).join(', ')})`), '()'].join(', ');
  const gid = m > 0 ? `GROUPING(${g.join(', ')})::INTEGER` : '0';
  const sql = `SELECT ${g.map((c) => `${c}, `).join('')}${gid} AS gid, count(*)::DOUBLE AS n, sum(y)::DOUBLE AS pos, sum(d)::DOUBLE AS sel,
    sum(y * d)::DOUBLE AS tp, sum(loss) AS ls, sum(brier) AS bs, sum(score) AS ss
    FROM %T GROUP BY GROUPING SETS (${groupingSets})`;
  const rows = await withFrame(frameColumns(groupings, outcomes), async (connection, table) => {
    const reader = await connection.runAndReadAll(sql.replace('%T', table));
    return reader.getRows();
  });
  throwIfAborted(signal);
  const out: GroupSums[] = [];
  for (const row of rows) {
    const mask = Number(row[m]);
    const set: number[] = [];
    for (let j = 0; j < m; j++) if (((mask >> (m - 1 - j)) & 1) === 0) set.push(j);
    const codes = set.map((j) => Number(row[j]));
    if (codes.some((c) => c < 0)) continue;
    const num = (i: number): number => Number(row[m + i]);
    out.push({ set, codes, n: num(1), positives: num(2), selected: num(3), tp: num(4), lossSum: num(5), brierSum: num(6), scoreSum: num(7) });
  }
  const setIndex = new Map(sets.map((s, i) => [s.join(','), i]));
  const rank = (s: GroupSums): number => (s.set.length === 0 ? -1 : setIndex.get(s.set.join(',')) ?? 1e9);
  return out.sort((a, b) => rank(a) - rank(b) || compare(a.codes, b.codes));
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
