import { chiSquaredSf } from '../../math/stats/index.js';

/** Expected count under the null below which a category is pooled with the other rare ones (Cochran 1954). */
export const MIN_EXPECTED = 5;

/** The label of the cell that pools rare categories. */
export const RARE_CELL = '(rare categories)';

export interface ChiSquareResult {
  /** Pearson's X² = Σ (observed − expected)² / expected over the 2 × k table. */
  readonly statistic: number;
  /** k − 1 for the k cells left after pooling. */
  readonly df: number;
  /** P(χ²_df ≥ X²); 1 when fewer than two cells remain (nothing to compare). */
  readonly pValue: number;
  /** The cells tested, in order: category labels, or RARE_CELL for the pooled rare ones. */
  readonly cells: readonly string[];
  /** Categories folded into RARE_CELL. */
  readonly pooled: readonly string[];
}

/**
 * Pearson's chi-square test of homogeneity between two samples of a categorical variable: a 2 × k
 * contingency table of category counts (reference row, current row). As scipy.stats.chi2_contingency with
 * correction=False, with two rules stated here:
 *
 * - Categories seen in only one sample (e.g. a new category in current data) are cells like any other:
 *   their whole count is evidence of drift.
 * - Categories whose expected count (row total × column total / n) is below 5 in either row are pooled into
 *   one cell; if that pooled cell is still below 5 it is merged into the smallest remaining cell. Cells with
 *   no count in either sample do not exist. df = k − 1.
 *
 * `reference` and `current` map a category label to its count; labels are compared as text.
 */
export function chiSquareHomogeneity(reference: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): ChiSquareResult {
  const labels = [...new Set([...reference.keys(), ...current.keys()])].filter((l) => (reference.get(l) ?? 0) + (current.get(l) ?? 0) > 0).sort();
  const n1 = sum(labels.map((l) => reference.get(l) ?? 0));
  const n2 = sum(labels.map((l) => current.get(l) ?? 0));
  const n = n1 + n2;
  const minRow = Math.min(n1, n2);
  const rare = labels.filter((l) => ((reference.get(l) ?? 0) + (current.get(l) ?? 0)) * minRow / n < MIN_EXPECTED);
  const kept = labels.filter((l) => !rare.includes(l));
  const rows: { label: string; a: number; b: number }[] = kept.map((l) => ({ label: l, a: reference.get(l) ?? 0, b: current.get(l) ?? 0 }));
  if (rare.length > 0) {
    const pooled = { label: RARE_CELL, a: sum(rare.map((l) => reference.get(l) ?? 0)), b: sum(rare.map((l) => current.get(l) ?? 0)) };
    if (((pooled.a + pooled.b) * minRow) / n >= MIN_EXPECTED || rows.length === 0) rows.push(pooled);
    else {
      const smallest = rows.reduce((s, r) => (r.a + r.b < s.a + s.b ? r : s));
      smallest.a += pooled.a;
      smallest.b += pooled.b;
      smallest.label = `${smallest.label} + ${RARE_CELL}`;
    }
  }
  if (rows.length < 2 || n1 === 0 || n2 === 0) return { statistic: 0, df: Math.max(0, rows.length - 1), pValue: 1, cells: rows.map((r) => r.label), pooled: rare };
  let statistic = 0;
  for (const r of rows) {
    const col = r.a + r.b;
    const e1 = (col * n1) / n;
    const e2 = (col * n2) / n;
    statistic += ((r.a - e1) ** 2) / e1 + ((r.b - e2) ** 2) / e2;
  }
  const df = rows.length - 1;
  return { statistic, df, pValue: chiSquaredSf(statistic, df), cells: rows.map((r) => r.label), pooled: rare };
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
