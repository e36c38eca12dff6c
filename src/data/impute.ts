import type { Column } from './table.js';

export interface Imputation {
  readonly column: string;
  /** 'median' for numbers, 'most_frequent' for categories. */
  readonly strategy: 'median' | 'most_frequent';
  readonly value: number | string;
  readonly count: number;
}

/** Median of the non-NaN values (mean of the two middle ones for an even count); NaN when all are missing. */
export function nanMedian(values: Float64Array): number {
  const present = values.filter((v) => !Number.isNaN(v)).sort();
  const n = present.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? present[mid]! : (present[mid - 1]! + present[mid]!) / 2;
}

/** Fills missing cells: the median for numeric columns, the most frequent category (lowest code on ties) otherwise. */
export function imputeColumn(column: Column): { column: Column; imputation: Imputation } {
  if (column.kind === 'numeric') {
    const median = nanMedian(column.values);
    let count = 0;
    const values = column.values.map((v) => (Number.isNaN(v) ? (count++, median) : v));
    return { column: { ...column, values }, imputation: { column: column.name, strategy: 'median', value: median, count } };
  }
  if (column.kind === 'categorical') {
    const counts = new Int32Array(column.categories.length);
    for (const c of column.codes) if (c >= 0) counts[c]!++;
    let best = 0;
    for (let k = 1; k < counts.length; k++) if (counts[k]! > counts[best]!) best = k;
    let count = 0;
    const codes = column.codes.map((c) => (c < 0 ? (count++, best) : c));
    return { column: { ...column, codes }, imputation: { column: column.name, strategy: 'most_frequent', value: column.categories[best] ?? '', count } };
  }
  return { column, imputation: { column: column.name, strategy: 'most_frequent', value: '', count: 0 } };
}
