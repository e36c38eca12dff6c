import { GlassboxError } from '../../errors.js';
import type { Table } from '../../data/table.js';
import { findColumn } from '../../data/table.js';

export const PERIOD_UNITS = ['month', 'quarter', 'year'] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

/** Rows grouped into domains: a code per row (-1 = no domain: missing or unparseable) and one label per code. */
export interface DomainAssignment {
  readonly column: string;
  /** How the domains were formed, for the report (e.g. "categories as they are", "4 equal-count periods"). */
  readonly how: string;
  readonly labels: readonly string[];
  readonly codes: Int32Array;
}

export interface DomainOptions {
  /** Split an ordered (numeric or date) column into this many equal-count periods. */
  readonly periods?: number;
  /** Split a date column into calendar months, quarters or years. */
  readonly period?: PeriodUnit;
}

/** A numeric column with at most this many distinct values is taken as categories without --periods. */
const MAX_NUMERIC_DOMAINS = 20;

/**
 * Domains from a metadata column (region, device, time…):
 * - a categorical column: its categories as they are;
 * - `periods: N`: the rows ordered by the column (numbers, or dates parsed with Date.parse) are cut into N
 *   periods of (as near as ties allow) equal counts; ties never straddle a boundary;
 * - `period: 'month' | 'quarter' | 'year'`: dates grouped by calendar period in UTC ("2024-03", "2024-Q1",
 *   "2024"); numbers are read as years for 'year';
 * - a numeric column with at most 20 distinct values: each value is a domain.
 * Rows whose value is missing or not a date get code -1 and are left out of every domain.
 */
export function assignDomains(table: Table, column: string, options: DomainOptions = {}): DomainAssignment {
  const col = findColumn(table, column);
  if (!col) throw new GlassboxError('invalid_argument', `--domain "${column}" is not a column of ${table.source ?? 'the data'}.`, { argument: '--domain', column, hint: `Columns: ${table.columns.map((c) => c.name).join(', ')}.` });
  if (options.periods !== undefined && options.period !== undefined) throw new GlassboxError('invalid_argument', 'Give either --periods N or --period month|quarter|year, not both.', { argument: '--period' });
  if (options.periods !== undefined || options.period !== undefined) {
    const times = timesOf(table, column);
    return options.periods !== undefined ? equalCountPeriods(column, times, options.periods) : calendarPeriods(column, times, options.period!);
  }
  if (col.kind === 'categorical') return { column, how: 'categories as they are', labels: col.categories, codes: col.codes };
  if (col.kind === 'numeric') {
    const distinct = [...new Set(Array.from(col.values).filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
    if (distinct.length > MAX_NUMERIC_DOMAINS) {
      throw new GlassboxError('invalid_argument', `--domain "${column}" is numeric with ${distinct.length} distinct values; cut it into periods with --periods N or --period year.`, { argument: '--domain', column, hint: 'Add --periods N (equal-count periods) or --period year.' });
    }
    const index = new Map(distinct.map((v, i) => [v, i]));
    return { column, how: 'each value as a domain', labels: distinct.map(String), codes: Int32Array.from(col.values, (v) => index.get(v) ?? -1) };
  }
  throw new GlassboxError('invalid_argument', `--domain "${column}" is a text column; domains need a categorical, numeric or date column.`, { argument: '--domain', column });
}

/** Per row: a time in ms since the epoch (dates) or the number itself (numeric columns); NaN when missing. */
function timesOf(table: Table, column: string): { values: Float64Array; dates: boolean } {
  const col = findColumn(table, column)!;
  if (col.kind === 'numeric') return { values: col.values, dates: false };
  if (col.kind === 'text') return { values: Float64Array.from(col.values, (s) => Date.parse(s)), dates: true };
  const parsed = col.categories.map((s) => Date.parse(s));
  const values = Float64Array.from(col.codes, (c) => (c < 0 ? Number.NaN : parsed[c]!));
  const unparsed = col.categories.filter((_, i) => Number.isNaN(parsed[i]!));
  if (unparsed.length === col.categories.length) {
    throw new GlassboxError('invalid_argument', `--domain "${column}" holds no dates (e.g. "${unparsed[0] ?? ''}"); periods need dates or numbers.`, { argument: '--domain', column, hint: 'Dates as ISO 8601 text, e.g. 2024-03-15; or drop --periods/--period to use the categories as they are.' });
  }
  return { values, dates: true };
}

function equalCountPeriods(column: string, times: { values: Float64Array; dates: boolean }, k: number): DomainAssignment {
  if (!Number.isInteger(k) || k < 2) throw new GlassboxError('invalid_argument', `--periods must be an integer ≥ 2; got ${k}.`, { argument: '--periods', hint: 'e.g. --periods 4' });
  const { values } = times;
  const rows = Array.from({ length: values.length }, (_, i) => i).filter((i) => !Number.isNaN(values[i]!));
  rows.sort((a, b) => values[a]! - values[b]! || a - b);
  const codes = new Int32Array(values.length).fill(-1);
  const bounds: [number, number][] = [];
  let start = 0;
  for (let p = 0; p < k && start < rows.length; p++) {
    let end = p === k - 1 ? rows.length : Math.max(start + 1, Math.round(((p + 1) * rows.length) / k));
    // keep ties in one period
    while (end < rows.length && values[rows[end]!] === values[rows[end - 1]!]) end++;
    for (let r = start; r < end; r++) codes[rows[r]!] = bounds.length;
    bounds.push([values[rows[start]!]!, values[rows[end - 1]!]!]);
    start = end;
  }
  const fmt = (v: number): string => (times.dates ? new Date(v).toISOString().slice(0, 10) : String(Number(v.toPrecision(6))));
  return { column, how: `${bounds.length} equal-count periods`, labels: bounds.map(([a, b], i) => `P${i + 1}: ${fmt(a)} – ${fmt(b)}`), codes };
}

function calendarPeriods(column: string, times: { values: Float64Array; dates: boolean }, unit: PeriodUnit): DomainAssignment {
  const key = (v: number): string => {
    if (!times.dates) return String(Math.floor(v));
    const d = new Date(v);
    const y = d.getUTCFullYear();
    if (unit === 'year') return String(y);
    if (unit === 'quarter') return `${y}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
    return `${y}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  if (!times.dates && unit !== 'year') throw new GlassboxError('invalid_argument', `--period ${unit} needs dates; "${column}" holds numbers.`, { argument: '--period', column, hint: 'Use --period year (numbers read as years) or --periods N.' });
  const keys = Array.from(times.values, (v) => (Number.isNaN(v) ? undefined : key(v)));
  const labels = [...new Set(keys.filter((k): k is string => k !== undefined))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  return { column, how: `calendar ${unit}s`, labels, codes: Int32Array.from(keys, (k) => (k === undefined ? -1 : index.get(k)!)) };
}
