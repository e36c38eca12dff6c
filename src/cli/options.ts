import type { FeatureSpec } from '../data/schema.js';
import { GlassboxError } from '../errors.js';
import { SEVERITIES, type Severity } from '../results/finding.js';

/** Shared flag parsers of every command: each names the flag it read when the value is wrong. */

/**
 * Parses an integer flag of at least `min` (default 0), naming the flag when it is not one. The hint
 * suggests a value the flag accepts: the default when it is valid, else `min`.
 */
export function parseIntegerFlag(flag: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    const what = min === 0 ? 'a non-negative integer' : `at least ${min} (an integer)`;
    throw new GlassboxError('invalid_argument', `${flag} must be ${what}; got "${value}".`, { argument: flag, hint: `e.g. ${flag} ${fallback >= min ? fallback : min}` });
  }
  return parsed;
}

/** Parses `--fail-on`: a severity, or "none" to never fail on findings. */
export function parseFailOn(value: string | undefined): Severity | 'none' {
  if (value === undefined || value === 'none') return 'none';
  if ((SEVERITIES as readonly string[]).includes(value)) return value as Severity;
  throw new GlassboxError('invalid_argument', `--fail-on must be one of ${[...SEVERITIES, 'none'].join(', ')}; got "${value}".`, { argument: '--fail-on' });
}

/** A finite number flag (optionally ≥ `min`), naming the flag when it is not one. */
export function parseNumberFlag(flag: string, value: string | undefined, fallback: number, min = -Infinity): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min) {
    throw new GlassboxError('invalid_argument', `${flag} must be a finite number${min > -Infinity ? ` ≥ ${min}` : ''}; got "${value}".`, { argument: flag, hint: `e.g. ${flag} ${fallback}` });
  }
  return parsed;
}

/** An integer flag of at least `min` (default 1). */
export function positiveFlag(flag: string, value: string | undefined, fallback: number, min = 1): number {
  return parseIntegerFlag(flag, value, fallback, min);
}

/**
 * Parses `--rows a:b` (half-open, 0-based) against the number of rows available. Without the flag:
 * every row, or the first `defaultCount` rows. This is the one place the CLI reads `--rows`.
 */
export function parseRowRange(value: string | undefined, nRows: number, defaultCount?: number): [number, number] {
  if (value === undefined) return [0, defaultCount === undefined ? nRows : Math.min(nRows, defaultCount)];
  const match = /^(\d*):(\d*)$/.exec(value.trim());
  const start = match ? (match[1] ? Number(match[1]) : 0) : Number.NaN;
  const end = match ? (match[2] ? Number(match[2]) : nRows) : Number.NaN;
  if (!match || start >= end || end > nRows) {
    throw new GlassboxError('invalid_argument', `--rows "${value}" is not a range a:b with 0 ≤ a < b ≤ ${nRows}.`, { argument: '--rows', hint: `e.g. --rows 0:${Math.min(10, nRows)} (0-based data rows of the input file, header excluded; there are ${nRows})` });
  }
  return [start, end];
}

/**
 * `--rows a:b` in every command: the rows whose 0-based data row id in the input file (header
 * excluded) is in [a, b), whatever split or dropped rows came before. Returns their positions in
 * `table` (in table order). Without the flag: every row, or the first `defaultCount` rows.
 */
export function selectRows(table: { readonly nRows: number; readonly rowIds: Int32Array }, value: string | undefined, defaultCount?: number): Int32Array {
  if (value === undefined) return Int32Array.from({ length: defaultCount === undefined ? table.nRows : Math.min(defaultCount, table.nRows) }, (_, i) => i);
  let last = -1;
  for (let i = 0; i < table.nRows; i++) last = Math.max(last, table.rowIds[i]!);
  const [start, end] = parseRowRange(value, last + 1);
  const picked: number[] = [];
  for (let i = 0; i < table.nRows; i++) if (table.rowIds[i]! >= start && table.rowIds[i]! < end) picked.push(i);
  if (picked.length === 0) {
    throw new GlassboxError('invalid_argument', `--rows "${value}": no row with a data row id in [${start}, ${end}) is left to use (rows with missing values may have been dropped).`, { argument: '--rows', hint: 'Row ids are 0-based data rows of the input file, header excluded.' });
  }
  return Int32Array.from(picked);
}

/**
 * `--rows` for a built-in demo, which has no input file: positions among the demo's audited (test)
 * rows, as before; each row's `rowIds` entry is its id in the demo's source.
 */
export function selectDemoRows(nRows: number, value: string | undefined, defaultCount?: number): Int32Array {
  return selectRows({ nRows, rowIds: Int32Array.from({ length: nRows }, (_, i) => i) }, value, defaultCount);
}

/** Parses one of a fixed set of choices. */
export function parseChoice<T extends string>(flag: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new GlassboxError('invalid_argument', `${flag} must be one of ${choices.join(', ')}; got "${value}".`, { argument: flag });
}

/** A comma-separated list flag (`--protected a,b`): trimmed, empty items dropped. */
export function parseList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** `--features a,b`: feature names or 0-based indices of the encoder's raw features. */
export function parseFeatures(list: string, features: readonly Pick<FeatureSpec, 'name'>[]): number[] {
  const names = features.map((f) => f.name);
  return list.split(',').map((item) => {
    const name = item.trim();
    const index = /^\d+$/.test(name) ? Number(name) : names.indexOf(name);
    if (index < 0 || index >= names.length) throw new GlassboxError('invalid_argument', `--features: "${name}" is not a feature (known: ${names.join(', ')})`, { argument: '--features', hint: 'Use feature names from the schema or 0-based indices.' });
    return index;
  });
}
