import { readFileSync } from 'node:fs';
import { DataType, tableFromIPC } from 'apache-arrow';
import type { Data, Vector } from 'apache-arrow';
import { GlassboxError } from '../errors.js';
import type { Column, ColumnKind, Table } from './table.js';
import type { Schema } from './schema.js';
import { columnKindsFromSchema } from './schema-kinds.js';
import { inferTextKind, textStats } from './column-plan.js';
import { sortedUnique } from './code-point.js';
import { dataError } from './data-errors.js';

export interface ArrowLoadOptions {
  readonly columnTypes?: Readonly<Record<string, ColumnKind>> | undefined;
  readonly schema?: Schema | undefined;
  readonly maxCategories?: number | undefined;
}

/**
 * Loads an Arrow IPC file (file or stream format) with apache-arrow, since DuckDB's arrow extension cannot be
 * installed offline. Numeric buffers are copied chunk by chunk; dictionary-encoded strings keep their codes
 * (remapped to code point order); plain strings are classified like CSV text columns.
 */
export function loadArrowTable(path: string, options: ArrowLoadOptions = {}): Table {
  let arrow;
  try {
    arrow = tableFromIPC(readFileSync(path));
  } catch (error) {
    throw new GlassboxError('invalid_input', `Could not read ${path} as Arrow IPC: ${(error as Error).message}`, {
      file: path,
      hint: 'Write the file with an Arrow IPC writer (pyarrow.feather.write_feather(..., compression="uncompressed") or tableToIPC).',
    }, { cause: error });
  }
  const nRows = arrow.numRows;
  if (nRows === 0) {
    throw dataError('invalid_input', `${path} has a schema but no rows.`, { file: path, count: 0, hint: 'Write the table with its rows.' });
  }
  const forced = { ...columnKindsFromSchema(options.schema), ...options.columnTypes };
  const columns: Column[] = arrow.schema.fields.map((field, j) => {
    const vector = arrow.getChildAt(j)!;
    const declared = forced[field.name];
    const type = field.type as DataType;
    if ((DataType.isInt(type) || DataType.isFloat(type)) && (declared === undefined || declared === 'numeric')) {
      return { kind: 'numeric', name: field.name, values: numericValues(vector, nRows) };
    }
    if (DataType.isDictionary(type) && (declared === undefined || declared === 'categorical')) {
      return dictionaryColumn(field.name, vector, nRows);
    }
    return textualColumn(path, field.name, vector, nRows, declared, options.maxCategories ?? 256);
  });
  const rowIds = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) rowIds[i] = i;
  return { nRows, columns, rowIds, source: path };
}

function isValid(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || data.nullCount === 0) return true;
  const bit = data.offset + i;
  return ((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

function numericValues(vector: Vector, nRows: number): Float64Array {
  const out = new Float64Array(nRows);
  let base = 0;
  for (const data of vector.data) {
    const values = data.values as ArrayLike<number | bigint> | undefined;
    const stride = (data as { stride?: number }).stride ?? 1;
    for (let i = 0; i < data.length; i++) {
      if (!isValid(data, i)) out[base + i] = NaN;
      else if (values && data.offset === 0 && stride === 1) out[base + i] = Number(values[i]);
      else out[base + i] = Number(vector.get(base + i));
    }
    base += data.length;
  }
  return out;
}

function dictionaryColumn(name: string, vector: Vector, nRows: number): Column {
  const all = new Set<string>();
  for (const data of vector.data) for (const v of data.dictionary ?? []) if (v !== null && v !== '') all.add(String(v));
  const categories = sortedUnique(all);
  const index = new Map(categories.map((c, k) => [c, k]));
  const codes = new Int32Array(nRows);
  let base = 0;
  for (const data of vector.data) {
    const dict = [...(data.dictionary ?? [])].map((v) => (v === null ? -1 : index.get(String(v)) ?? -1));
    const keys = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < data.length; i++) {
      codes[base + i] = isValid(data, i) ? dict[Number(keys[data.offset + i])] ?? -1 : -1;
    }
    base += data.length;
  }
  return { kind: 'categorical', name, codes, categories };
}

function textualColumn(
  path: string,
  name: string,
  vector: Vector,
  nRows: number,
  declared: ColumnKind | undefined,
  maxCategories: number,
): Column {
  const texts: (string | null)[] = new Array(nRows);
  let nonMissing = 0;
  let totalLength = 0;
  for (let i = 0; i < nRows; i++) {
    const v: unknown = vector.get(i);
    const text = v === null || v === undefined || v === '' ? null : String(v);
    texts[i] = text;
    if (text === null) continue;
    nonMissing++;
    totalLength += text.length;
  }
  const distinct = new Set(texts.filter((t): t is string => t !== null));
  const stats = textStats(nonMissing, [...distinct], nonMissing ? totalLength / nonMissing : 0);
  const kind = declared ?? inferTextKind(stats, { maxCategories });
  if (kind === 'text') return { kind, name, values: texts.map((t) => t ?? '') };
  if (kind === 'numeric') {
    const values = new Float64Array(nRows);
    const bad: { row: number; value: string }[] = [];
    let count = 0;
    texts.forEach((t, i) => {
      values[i] = t === null ? NaN : Number(t);
      if (t !== null && Number.isNaN(values[i]!) && !/^[-+]?nan$/i.test(t)) {
        count++;
        if (bad.length < 3) bad.push({ row: i, value: t });
      }
    });
    if (count > 0) {
      throw dataError(declared ? 'schema_mismatch' : 'invalid_input', `${declared ? 'Unparsable numbers in numeric' : 'Mixed types in'} column "${name}" of ${path}: ${count} of ${nRows} rows are not numbers.`, {
        file: path, column: name, count, examples: bad,
        hint: `Fix those cells, or declare "${name}" categorical in the schema / columnTypes.`,
      });
    }
    return { kind, name, values };
  }
  const categories = sortedUnique(distinct);
  const index = new Map(categories.map((c, k) => [c, k]));
  const codes = new Int32Array(nRows);
  texts.forEach((t, i) => (codes[i] = t === null ? -1 : index.get(t)!));
  return { kind: 'categorical', name, codes, categories };
}
