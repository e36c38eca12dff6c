import { GlassboxError } from '../errors.js';
import type { RawMatrix } from '../encode/encoder.js';
import type { Column, Table } from './table.js';
import { findColumn, takeRows } from './table.js';
import type { FeatureSpec, ProtectedSpec, Schema } from './schema.js';
import { cellText, toCategorical, toNumeric } from './column-convert.js';
import { dataError } from './data-errors.js';
import { sortedUnique } from './code-point.js';

function requireColumn(table: Table, name: string, role: string): Column {
  const column = findColumn(table, name);
  if (!column) {
    throw dataError('schema_mismatch', `The ${role} column "${name}" is not in ${table.source ?? 'the data'}.`, {
      file: table.source, column: name, count: 1,
      hint: `The data has ${table.columns.map((c) => c.name).slice(0, 12).join(', ')}.`,
    });
  }
  return column;
}

/**
 * Splits rows by the schema's split column: rows whose value equals `split.testValue` are test, the others
 * train; order inside each part is file order. Text comparison; "True"/"true"/"1" style flags match
 * case-insensitively when no exact match exists.
 */
export function splitTrainTest(table: Table, schema: Schema): { train: Table; test: Table } {
  if (!schema.split) {
    throw new GlassboxError('invalid_argument', 'The schema has no split column.', {
      argument: 'schema.split',
      hint: 'Add "split": {"column": "_is_test", "testValue": "True"} to the schema, or split the data yourself.',
    });
  }
  const column = requireColumn(table, schema.split.column, 'split');
  const wanted = schema.split.testValue;
  let matches = (text: string | undefined): boolean => text === wanted;
  let any = false;
  for (let i = 0; i < table.nRows && !any; i++) any = matches(cellText(column, i));
  if (!any) matches = (text) => text !== undefined && text.toLowerCase() === wanted.toLowerCase();
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < table.nRows; i++) (matches(cellText(column, i)) ? test : train).push(i);
  return { train: takeRows(table, train), test: takeRows(table, test) };
}

/** Class index per row (the order of `schema.target.classes`, binary: [negative, positive]); -1 = missing. */
export function labelsOf(table: Table, schema: Schema): Int32Array {
  const target = schema.target;
  if (!target || target.task === 'regression') {
    throw new GlassboxError('invalid_argument', target ? `The target "${target.name}" is a regression target; it has no class labels.` : 'The schema has no target.', {
      argument: 'schema.target',
      hint: 'Give the schema a classification target: {"name": …, "task": "binary", "classes": [negative, positive]}.',
    });
  }
  const column = requireColumn(table, target.name, 'target');
  return toCategorical(table, column, { categories: target.classes, role: 'class', file: table.source }).codes;
}

export interface ProtectedGroups {
  readonly name: string;
  readonly column: string;
  /** Group index per row; -1 = missing value. */
  readonly codes: Int32Array;
  readonly labels: readonly string[];
}

function bucketGroups(table: Table, spec: ProtectedSpec, column: Column): ProtectedGroups {
  const edges = spec.edges!;
  const labels = spec.labels ?? edges.map((_, k) => (k === 0 ? `<${edges[0]}` : `[${edges[k - 1]}, ${edges[k]})`)).concat(`>=${edges[edges.length - 1]}`);
  const values = toNumeric(table, column, table.source).values;
  const codes = new Int32Array(table.nRows);
  for (let i = 0; i < table.nRows; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) { codes[i] = -1; continue; }
    let k = 0;
    while (k < edges.length && v >= edges[k]!) k++;
    codes[i] = k;
  }
  return { name: spec.name, column: spec.column, codes, labels };
}

function mappedGroups(table: Table, spec: ProtectedSpec, column: Column): ProtectedGroups {
  const mapping = spec.mapping ?? {};
  const texts = column.kind === 'categorical' ? column.categories : sortedUnique(Array.from({ length: table.nRows }, (_, i) => cellText(column, i) ?? '').filter((t) => t !== ''));
  const unmapped = texts.filter((t) => mapping[t] === undefined && spec.otherwise === undefined);
  if (unmapped.length > 0) {
    throw dataError('schema_mismatch', `Protected attribute "${spec.name}": the mapping of column "${spec.column}" does not cover ${unmapped.map((u) => JSON.stringify(u)).join(', ')}.`, {
      file: table.source, column: spec.column, count: unmapped.length,
      hint: 'List every category in the mapping, or give "otherwise" for the rest.',
    });
  }
  const labels = sortedUnique(texts.map((t) => mapping[t] ?? spec.otherwise!));
  const index = new Map(labels.map((l, k) => [l, k]));
  const codes = new Int32Array(table.nRows);
  for (let i = 0; i < table.nRows; i++) {
    const t = cellText(column, i);
    codes[i] = t === undefined ? -1 : index.get(mapping[t] ?? spec.otherwise!) ?? -1;
  }
  return { name: spec.name, column: spec.column, codes, labels };
}

/**
 * Group code per row for each protected attribute: a categorical column as is, a category → group mapping
 * (with an optional `otherwise`), or numeric buckets (value < edges[0] → labels[0], …). Group labels of
 * mappings are sorted by code point; a plain column keeps its category order.
 */
export function protectedGroups(table: Table, specs: readonly ProtectedSpec[] | undefined): ProtectedGroups[] {
  return (specs ?? []).map((spec) => {
    const column = requireColumn(table, spec.column, `protected attribute "${spec.name}"`);
    if (spec.edges) return bucketGroups(table, spec, column);
    if (spec.mapping || spec.otherwise !== undefined) return mappedGroups(table, spec, column);
    if (column.kind === 'numeric') {
      throw dataError('schema_mismatch', `Protected attribute "${spec.name}" uses numeric column "${spec.column}" without buckets.`, {
        file: table.source, column: spec.column,
        hint: 'Give "edges" (and "labels") to bucket it, e.g. "edges": [25], "labels": ["<25", ">=25"].',
      });
    }
    const categorical = toCategorical(table, column, { role: 'category', file: table.source });
    return { name: spec.name, column: spec.column, codes: categorical.codes, labels: categorical.categories };
  });
}

/**
 * The ordinal-coded {@link RawMatrix} (n × F, row-major float64): numeric features as values, categorical
 * features as their index in the feature's category list (NaN = missing), columns in feature order — the
 * input xgboost's reference model and the tabular explainers use.
 */
export function toRawMatrix(table: Table, features: readonly (FeatureSpec | string)[]): RawMatrix {
  const nFeatures = features.length;
  const data = new Float64Array(table.nRows * nFeatures);
  features.forEach((f, j) => {
    const spec = typeof f === 'string' ? undefined : f;
    const name = typeof f === 'string' ? f : f.name;
    const column = requireColumn(table, name, 'feature');
    if (spec?.type === 'numeric' || (!spec && column.kind === 'numeric')) {
      const values = toNumeric(table, column, table.source).values;
      for (let i = 0; i < table.nRows; i++) data[i * nFeatures + j] = values[i]!;
      return;
    }
    if (column.kind === 'text' && spec?.type !== 'categorical') {
      throw dataError('schema_mismatch', `Feature "${name}" is text; a raw matrix holds only numeric and categorical features.`, {
        file: table.source, column: name, hint: 'Encode text features separately, or declare the column categorical.',
      });
    }
    const codes = toCategorical(table, column, { categories: spec?.categories, role: 'category', file: table.source }).codes;
    for (let i = 0; i < table.nRows; i++) data[i * nFeatures + j] = codes[i]! < 0 ? NaN : codes[i]!;
  });
  return { data, nRows: table.nRows, nFeatures };
}
