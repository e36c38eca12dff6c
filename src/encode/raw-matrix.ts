import type { Column, Table } from '../data/table.js';
import { GlassboxError } from '../errors.js';
import type { RawMatrix } from './encoder.js';

/** What the raw matrix needs to know about a feature (an EncodedFeature or a schema FeatureSpec fits). */
export interface RawFeature {
  readonly name: string;
  readonly type: string;
  readonly categories?: readonly string[];
}

function categoryIndex(feature: RawFeature): Map<string, number> {
  const index = new Map<string, number>();
  (feature.categories ?? []).forEach((c, k) => index.set(c, k));
  return index;
}

function unknownCategory(source: string, feature: RawFeature, value: string, row: number, count: number, place: 'record' | 'data row'): GlassboxError {
  const known = feature.categories ?? [];
  const shown = known.slice(0, 8).map((c) => JSON.stringify(c)).join(', ') + (known.length > 8 ? ', …' : '');
  return new GlassboxError('invalid_input', `${source}: column "${feature.name}" has ${count} row(s) with a category the encoder does not know, first ${JSON.stringify(value)} at ${place} ${row} (0-based${place === 'data row' ? ', header excluded' : ''})`, {
    column: feature.name,
    row,
    count,
    hint: `Known categories: ${shown}. Map or drop these rows, or refit the encoder on data that includes the category.`,
  });
}

/**
 * Ordinal-codes rows given as objects (JSON records, e.g. the reference `raw` rows): numbers stay
 * numbers, categories become their index in the feature's category list, null/undefined becomes NaN
 * (missing; the encoder rejects it by row and column).
 */
export function rawMatrixFromRecords(records: readonly Readonly<Record<string, unknown>>[], features: readonly RawFeature[], source = 'records'): RawMatrix {
  const nRows = records.length;
  const nFeatures = features.length;
  const data = new Float64Array(nRows * nFeatures);
  features.forEach((feature, j) => {
    const categorical = feature.type === 'categorical';
    const index = categorical ? categoryIndex(feature) : undefined;
    for (let i = 0; i < nRows; i++) {
      const record = records[i]!;
      if (!(feature.name in record)) {
        throw new GlassboxError('schema_mismatch', `${source}: record ${i} (0-based) has no field "${feature.name}"`, { column: feature.name, row: i, hint: 'Every row needs a value (or null) for each encoder feature.' });
      }
      data[i * nFeatures + j] = recordValue(record[feature.name], feature, index, i, source);
    }
  });
  return { data, nRows, nFeatures };
}

function recordValue(value: unknown, feature: RawFeature, index: Map<string, number> | undefined, row: number, source: string): number {
  if (value === null || value === undefined) return NaN;
  if (index !== undefined) {
    const code = index.get(String(value));
    if (code === undefined) throw unknownCategory(source, feature, String(value), row, 1, 'record');
    return code;
  }
  const x = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (Number.isNaN(x)) {
    throw new GlassboxError('invalid_input', `${source}: record ${row} (0-based), column "${feature.name}": ${JSON.stringify(value)} is not a number`, { column: feature.name, row, hint: 'Numeric features need numbers (or null for missing).' });
  }
  return x;
}

/**
 * The ordinal-coded raw matrix of a Table for the given features (matched by column name): numeric
 * columns as they are, categorical columns re-coded from the table's dictionary to the feature's
 * category list (missing → NaN). A category the feature does not know is an error naming the column,
 * the first row (by row id) and the count of rows.
 */
export function rawMatrixFromTable(table: Table, features: readonly RawFeature[]): RawMatrix {
  const source = table.source ?? 'table';
  const nRows = table.nRows;
  const nFeatures = features.length;
  const data = new Float64Array(nRows * nFeatures);
  features.forEach((feature, j) => {
    const column = table.columns.find((c) => c.name === feature.name);
    if (column === undefined) {
      throw new GlassboxError('schema_mismatch', `${source}: the encoder needs column "${feature.name}", which the data does not have`, {
        column: feature.name,
        hint: `Data columns: ${table.columns.map((c) => c.name).join(', ')}.`,
      });
    }
    if (feature.type === 'categorical') fillCategorical(table, column, feature, j, data, nFeatures, source);
    else fillNumeric(table, column, feature, j, data, nFeatures, source);
  });
  return { data, nRows, nFeatures };
}

function fillNumeric(table: Table, column: Column, feature: RawFeature, j: number, data: Float64Array, nFeatures: number, source: string): void {
  if (column.kind !== 'numeric') {
    throw new GlassboxError('schema_mismatch', `${source}: column "${feature.name}" is ${column.kind} in the data but numeric in the encoder`, {
      column: feature.name,
      hint: 'Declare the column numeric in the schema, or use an encoder that treats it as categorical.',
    });
  }
  for (let i = 0; i < table.nRows; i++) data[i * nFeatures + j] = column.values[i]!;
}

function fillCategorical(table: Table, column: Column, feature: RawFeature, j: number, data: Float64Array, nFeatures: number, source: string): void {
  const index = categoryIndex(feature);
  const lookup = (text: string): number => index.get(text) ?? -2;
  let codeOf: (i: number) => number;
  let textOf: (i: number) => string;
  if (column.kind === 'categorical') {
    const remap = Int32Array.from(column.categories, lookup);
    codeOf = (i) => {
      const c = column.codes[i]!;
      return c < 0 ? -1 : remap[c]!;
    };
    textOf = (i) => column.categories[column.codes[i]!] ?? '';
  } else if (column.kind === 'numeric') {
    codeOf = (i) => (Number.isNaN(column.values[i]!) ? -1 : lookup(String(column.values[i]!)));
    textOf = (i) => String(column.values[i]!);
  } else {
    codeOf = (i) => lookup(column.values[i]!);
    textOf = (i) => column.values[i]!;
  }
  let firstBad = -1;
  let bad = 0;
  for (let i = 0; i < table.nRows; i++) {
    const code = codeOf(i);
    if (code === -2) {
      if (firstBad < 0) firstBad = i;
      bad++;
    }
    data[i * nFeatures + j] = code < 0 ? NaN : code;
  }
  if (bad > 0) throw unknownCategory(source, feature, textOf(firstBad), table.rowIds[firstBad] ?? firstBad, bad, 'data row');
}
