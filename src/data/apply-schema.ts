import type { Column, Table } from './table.js';
import { columnNames, takeRows } from './table.js';
import type { FeatureSpec, MissingPolicy, Schema } from './schema.js';
import { OffenderCollector, dataError } from './data-errors.js';
import type { Offender } from './data-errors.js';
import { isMissing, toCategorical, toNumeric, toText } from './column-convert.js';
import { imputeColumn } from './impute.js';
import type { Imputation } from './impute.js';

export interface ApplySchemaOptions {
  /** What to do with NaN/empty cells in features and the target. Default: the schema's `missing`, else 'error'. */
  readonly missing?: MissingPolicy | undefined;
}

export interface SchemaReport {
  /** Columns in the data the schema does not mention. They are kept (and reported), never an error. */
  readonly extraColumns: readonly string[];
  /** Rows removed under missing = 'drop', with the count per column that caused it. */
  readonly droppedRows: number;
  readonly missingByColumn: Readonly<Record<string, number>>;
  /** What missing = 'impute' filled in: median for numbers, most frequent category otherwise. */
  readonly imputed: readonly Imputation[];
}

/** Every column the schema refers to. */
export function schemaColumns(schema: Schema): string[] {
  const names = schema.features.map((f) => f.name);
  if (schema.target) names.push(schema.target.name);
  for (const p of schema.protected ?? []) names.push(p.column);
  if (schema.split) names.push(schema.split.column);
  names.push(...(schema.metadata ?? []));
  if (schema.rowId) names.push(schema.rowId);
  return [...new Set(names)];
}

const normalize = (s: string): string => s.toLowerCase().replace(/[\s_\-.]/g, '');

function checkColumns(table: Table, schema: Schema): void {
  const present = new Set(columnNames(table));
  const missing = schemaColumns(schema).filter((n) => !present.has(n));
  if (missing.length === 0) return;
  const suggestions = missing
    .map((m) => [m, columnNames(table).find((c) => normalize(c) === normalize(m))] as const)
    .filter(([, c]) => c !== undefined)
    .map(([m, c]) => `"${m}" → "${c}"?`);
  throw dataError('schema_mismatch', `Missing columns in ${table.source ?? 'the data'}: ${missing.map((m) => JSON.stringify(m)).join(', ')} (${missing.length} of ${schemaColumns(schema).length} columns the schema needs).`, {
    file: table.source,
    column: missing[0],
    count: missing.length,
    missing,
    hint: suggestions.length > 0
      ? `Did you mean ${suggestions.join(', ')}? Rename the columns or fix the schema.`
      : `The data has ${columnNames(table).slice(0, 12).join(', ')}${present.size > 12 ? ', …' : ''}. Fix the schema or pass the right file.`,
  });
}

function convertFeature(table: Table, column: Column, feature: FeatureSpec): Column {
  const file = table.source;
  switch (feature.type) {
    case 'numeric':
      return toNumeric(table, column, file);
    case 'categorical':
      return toCategorical(table, column, { categories: feature.categories, role: 'category', file });
    case 'text':
    case 'image':
      return toText(table, column);
  }
}

function convertColumns(table: Table, schema: Schema): Column[] {
  const features = new Map(schema.features.map((f) => [f.name, f]));
  const target = schema.target;
  return table.columns.map((column) => {
    const feature = features.get(column.name);
    if (feature) return convertFeature(table, column, feature);
    if (target && column.name === target.name) {
      if (target.task === 'regression') return toNumeric(table, column, table.source);
      return toCategorical(table, column, { categories: target.classes, role: 'class', file: table.source });
    }
    return column;
  });
}

/** Row ids taken from the schema's `rowId` column: whole numbers in int32 range, none missing. */
function rowIdsFrom(table: Table, name: string): Int32Array {
  const values = toNumeric(table, table.columns.find((c) => c.name === name)!, table.source).values;
  const ids = new Int32Array(table.nRows);
  const bad = new OffenderCollector();
  for (let i = 0; i < table.nRows; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) bad.add(table.rowIds[i]!, String(v));
    ids[i] = v;
  }
  if (bad.count > 0) {
    throw dataError('schema_mismatch', `Row id column "${name}" of ${table.source ?? 'the data'} holds ${bad.count} values that are not whole numbers.`, {
      file: table.source, column: name, count: bad.count, examples: bad.examples,
      hint: 'Row ids must be integers (the 0-based index of each row in its source); drop rowId from the schema to use file order.',
    });
  }
  return ids;
}

/** Rows with a missing feature or target value, and the count per column. */
function findMissing(table: Table, checked: readonly Column[]): { rows: Uint8Array; byColumn: Record<string, number>; examples: Offender[]; total: number } {
  const rows = new Uint8Array(table.nRows);
  const byColumn: Record<string, number> = {};
  const examples: Offender[] = [];
  for (const column of checked) {
    let count = 0;
    for (let i = 0; i < table.nRows; i++) {
      if (!isMissing(column, i)) continue;
      count++;
      rows[i] = 1;
      if (examples.length < 3) examples.push({ row: table.rowIds[i]!, value: `${column.name} empty` });
    }
    if (count > 0) byColumn[column.name] = count;
  }
  let total = 0;
  for (let i = 0; i < rows.length; i++) total += rows[i]!;
  return { rows, byColumn, examples, total };
}

function missingError(table: Table, found: ReturnType<typeof findMissing>, targetOnly = false): Error {
  const columns = Object.entries(found.byColumn).map(([c, n]) => `${c} (${n})`).join(', ');
  return dataError('invalid_input', `Missing values (NaN or empty cells) in ${found.total} of ${table.nRows} rows of ${table.source ?? 'the data'}: ${columns}.`, {
    file: table.source,
    column: Object.keys(found.byColumn)[0],
    count: found.total,
    examples: found.examples,
    byColumn: found.byColumn,
    hint: targetOnly
      ? 'Target labels cannot be imputed: fix them, or use missing: "drop" (--missing drop).'
      : 'Fill them in, or choose a policy: missing: "drop" removes those rows, "impute" fills the median / most frequent category (--missing drop|impute).',
  });
}

/**
 * Checks a table against a schema and returns it with every categorical coded in the schema's category order
 * (and the target in class order). Missing/extra columns, unparsable numbers, unknown categories, target values
 * outside the classes and NaN/empty cells each raise a specific error naming the file, column, example rows and
 * the count of offending rows. Extra columns are kept and listed in the report.
 */
export function applySchemaWithReport(table: Table, schema: Schema, options: ApplySchemaOptions = {}): { table: Table; report: SchemaReport } {
  checkColumns(table, schema);
  const policy = options.missing ?? schema.missing ?? 'error';
  let columns = convertColumns(table, schema);
  const needed = new Set(schemaColumns(schema));
  const extraColumns = columnNames(table).filter((n) => !needed.has(n));
  const featureNames = new Set(schema.features.filter((f) => f.type === 'numeric' || f.type === 'categorical').map((f) => f.name));
  const checked = columns.filter((c) => featureNames.has(c.name) || c.name === schema.target?.name);
  const found = findMissing(table, checked);
  let converted: Table = { ...table, columns, ...(schema.rowId ? { rowIds: rowIdsFrom(table, schema.rowId) } : {}) };
  const base = { extraColumns, missingByColumn: found.byColumn };
  if (found.total === 0) return { table: converted, report: { ...base, droppedRows: 0, imputed: [] } };
  if (policy === 'error') throw missingError(table, found);
  if (policy === 'drop') {
    const keep: number[] = [];
    for (let i = 0; i < table.nRows; i++) if (!found.rows[i]) keep.push(i);
    if (keep.length === 0) throw missingError(table, found);
    return { table: takeRows(converted, keep), report: { ...base, droppedRows: found.total, imputed: [] } };
  }
  if (schema.target && found.byColumn[schema.target.name]) {
    throw missingError(table, { ...found, byColumn: { [schema.target.name]: found.byColumn[schema.target.name]! } }, true);
  }
  const imputed: Imputation[] = [];
  columns = columns.map((c) => {
    if (!found.byColumn[c.name]) return c;
    const result = imputeColumn(c);
    imputed.push(result.imputation);
    return result.column;
  });
  converted = { ...converted, columns };
  return { table: converted, report: { ...base, droppedRows: 0, imputed } };
}

/** {@link applySchemaWithReport} without the report. */
export function applySchema(table: Table, schema: Schema, options: ApplySchemaOptions = {}): Table {
  return applySchemaWithReport(table, schema, options).table;
}
