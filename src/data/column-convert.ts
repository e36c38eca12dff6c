import type { CategoricalColumn, Column, NumericColumn, Table, TextColumn } from './table.js';
import { OffenderCollector, dataError } from './data-errors.js';
import { sortedUnique } from './code-point.js';

/** A number as category text: integers without a decimal point ("25"), others as JavaScript prints them. */
export function numberText(v: number): string {
  return String(v);
}

/** The text of a cell, or undefined when missing. */
export function cellText(column: Column, row: number): string | undefined {
  switch (column.kind) {
    case 'numeric': {
      const v = column.values[row]!;
      return Number.isNaN(v) ? undefined : numberText(v);
    }
    case 'categorical': {
      const code = column.codes[row]!;
      return code < 0 ? undefined : column.categories[code];
    }
    case 'text':
      return column.values[row] === '' ? undefined : column.values[row];
  }
}

/** Cells that are missing: NaN numbers, -1 codes. Text is never counted missing. */
export function isMissing(column: Column, row: number): boolean {
  if (column.kind === 'numeric') return Number.isNaN(column.values[row]!);
  if (column.kind === 'categorical') return column.codes[row]! < 0;
  return false;
}

function parseNumber(text: string): number {
  const t = text.trim();
  return t === '' ? NaN : Number(t);
}

/** A numeric version of the column; categories or texts that are not numbers are reported with their count. */
export function toNumeric(table: Table, column: Column, file?: string): NumericColumn {
  if (column.kind === 'numeric') return column;
  const values = new Float64Array(table.nRows);
  const bad = new OffenderCollector();
  for (let i = 0; i < table.nRows; i++) {
    const text = cellText(column, i);
    const v = text === undefined ? NaN : parseNumber(text);
    if (text !== undefined && Number.isNaN(v)) bad.add(table.rowIds[i]!, text);
    values[i] = v;
  }
  if (bad.count > 0) {
    throw dataError('schema_mismatch', `Unparsable numbers in numeric column "${column.name}"${file ? ` of ${file}` : ''}: ${bad.count} of ${table.nRows} rows are not numbers.`, {
      file, column: column.name, count: bad.count, examples: bad.examples,
      hint: `Fix those cells, or declare "${column.name}" categorical in the schema.`,
    });
  }
  return { kind: 'numeric', name: column.name, values };
}

export interface CategoricalTarget {
  /** The schema's categories in code order; undefined keeps (or infers) the column's own, sorted by code point. */
  readonly categories?: readonly string[] | undefined;
  /** "category" for features, "class" for the target: changes the wording of the error. */
  readonly role: 'category' | 'class';
  readonly file?: string | undefined;
}

/**
 * The column coded against `target.categories`: codes follow that list. Values outside it are reported with
 * their count and examples (unknown categories / target values outside the classes).
 */
export function toCategorical(table: Table, column: Column, target: CategoricalTarget): CategoricalColumn {
  if (column.kind === 'categorical' && (!target.categories || sameList(column.categories, target.categories))) {
    return column;
  }
  const categories = target.categories ?? sortedUnique(distinctTexts(table, column));
  const index = new Map(categories.map((c, k) => [c, k]));
  const codes = new Int32Array(table.nRows);
  const bad = new OffenderCollector();
  const unknown = new Set<string>();
  const remap = column.kind === 'categorical' ? column.categories.map((c) => index.get(c) ?? -2) : undefined;
  for (let i = 0; i < table.nRows; i++) {
    let code: number;
    if (remap && column.kind === 'categorical') {
      const own = column.codes[i]!;
      code = own < 0 ? -1 : remap[own]!;
    } else {
      const text = cellText(column, i);
      code = text === undefined ? -1 : index.get(text) ?? -2;
    }
    if (code === -2) {
      const text = cellText(column, i)!;
      bad.add(table.rowIds[i]!, text);
      unknown.add(text);
      code = -1;
    }
    codes[i] = code;
  }
  if (bad.count > 0) throw unknownCategoriesError(column.name, target, bad, unknown, table.nRows);
  return { kind: 'categorical', name: column.name, codes, categories };
}

/** Unknown categories (features) or target values outside the classes: count, values, example rows, hint. */
export function unknownCategoriesError(name: string, target: CategoricalTarget, bad: OffenderCollector, unknown: Set<string>, nRows: number): Error {
  const values = [...unknown].slice(0, 5).map((v) => JSON.stringify(v)).join(', ');
  const allowed = (target.categories ?? []).slice(0, 8).map((v) => JSON.stringify(v)).join(', ');
  const where = target.file ? ` of ${target.file}` : '';
  const message = target.role === 'class'
    ? `Target values outside the classes in column "${name}"${where}: ${bad.count} of ${nRows} rows hold ${values}; the schema's classes are ${allowed}.`
    : `Unknown categories in column "${name}"${where}: ${bad.count} of ${nRows} rows hold ${values}, which the schema does not list.`;
  return dataError('schema_mismatch', message, {
    file: target.file, column: name, count: bad.count, examples: bad.examples, unknown: [...unknown].slice(0, 20),
    hint: target.role === 'class'
      ? 'Fix the labels, or list every class in schema.target.classes (binary: [negative, positive]).'
      : `Add the missing values to the categories of "${name}" in the schema (the model must know them), or fix the data.`,
  });
}

function distinctTexts(table: Table, column: Column): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < table.nRows; i++) {
    const t = cellText(column, i);
    if (t !== undefined) out.add(t);
  }
  return out;
}

export function toText(table: Table, column: Column): TextColumn {
  if (column.kind === 'text') return column;
  const values = new Array<string>(table.nRows);
  for (let i = 0; i < table.nRows; i++) values[i] = cellText(column, i) ?? '';
  return { kind: 'text', name: column.name, values };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
