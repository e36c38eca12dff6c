import { GlassboxError } from '../errors.js';
import type { ErrorCode } from '../errors.js';

/** One offending cell, for error messages: the 0-based data row (header excluded) and what was found there. */
export interface Offender {
  readonly row: number;
  readonly value?: string;
}

export interface DataErrorContext {
  readonly file?: string | undefined;
  readonly column?: string | undefined;
  /** How many rows are affected in total (not just the examples). */
  readonly count?: number | undefined;
  readonly examples?: readonly Offender[] | undefined;
  readonly hint: string;
  readonly [key: string]: unknown;
}

const MAX_EXAMPLES = 3;

/** "row 17 ("abc"), row 40 ("x")" — the first few offenders, quoted. */
export function describeOffenders(examples: readonly Offender[]): string {
  return examples
    .slice(0, MAX_EXAMPLES)
    .map((o) => (o.value === undefined ? `row ${o.row}` : `row ${o.row} (${JSON.stringify(o.value)})`))
    .join(', ');
}

/** "in german.csv, column "age"" — the place an error concerns. */
export function where(file: string | undefined, column?: string): string {
  const parts: string[] = [];
  if (column !== undefined) parts.push(`column ${JSON.stringify(column)}`);
  if (file !== undefined) parts.push(`of ${file}`);
  return parts.join(' ');
}

/**
 * A validation error that names the file, column, example rows and the count of offending rows, plus a hint.
 * Rows are 0-based data-row indices (header excluded), the same ids the reference sets use.
 */
export function dataError(code: ErrorCode, message: string, context: DataErrorContext): GlassboxError {
  const { examples, ...rest } = context;
  const exampleText = examples && examples.length > 0 ? ` First offending data rows (0-based, header excluded): ${describeOffenders(examples)}.` : '';
  const details: Record<string, unknown> = { ...rest };
  if (examples && examples.length > 0) {
    details.rows = examples.slice(0, MAX_EXAMPLES).map((o) => o.row);
    if (examples[0]) details.row = examples[0].row;
  }
  for (const key of Object.keys(details)) if (details[key] === undefined) delete details[key];
  return new GlassboxError(code, `${message}${exampleText}`, details as DataErrorContext);
}

/** Collects up to a few examples while counting every offender. */
export class OffenderCollector {
  count = 0;
  readonly examples: Offender[] = [];
  add(row: number, value?: string): void {
    this.count++;
    if (this.examples.length < MAX_EXAMPLES) this.examples.push(value === undefined ? { row } : { row, value });
  }
}
