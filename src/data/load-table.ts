import type { DuckDBConnection } from '@duckdb/node-api';
import { GlassboxError, isGlassboxError } from '../errors.js';
import type { Column, ColumnKind, Table } from './table.js';
import type { Schema } from './schema.js';
import { withConnection } from './duckdb/connection.js';
import { readChunks } from './duckdb/chunk-reader.js';
import type { ReadKind, ReadOutput } from './duckdb/chunk-reader.js';
import type { OffenderCollector} from './data-errors.js';
import { dataError } from './data-errors.js';
import { sortedUnique } from './code-point.js';
import { checkReadableFile, formatOf, sourceSql } from './file-source.js';
import type { CsvOptions, TableFormat } from './file-source.js';
import { checkNotBlank, delimiterProblem, headLines } from './csv-shape.js';
import { categoricalPlan, describeSourceColumn, inferTextKind, numericPlan, statsSelect, textPlan } from './column-plan.js';
import type { ColumnPlan, SourceColumn, TextStats } from './column-plan.js';
import { textStats } from './column-plan.js';
import { columnCategoriesFromSchema, columnKindsFromSchema } from './schema-kinds.js';
import type { KnownCategories } from './schema-kinds.js';
import { unknownCategoriesError } from './column-convert.js';
import { malformedCsvRow } from './csv-errors.js';

export interface LoadTableOptions extends CsvOptions {
  /** Overrides the format the extension implies. */
  readonly format?: TableFormat | undefined;
  /** Column kinds to use instead of inferring them (a schema's features, target and split supply these too). */
  readonly columnTypes?: Readonly<Record<string, ColumnKind>> | undefined;
  readonly schema?: Schema | undefined;
  /** Most distinct values an inferred categorical column may have (more → text). Default 256. */
  readonly maxCategories?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((rowsRead: number) => void) | undefined;
}

/**
 * Loads a CSV, Parquet, JSONL or Arrow IPC file into a columnar {@link Table} through DuckDB, reading result
 * chunks straight into typed arrays: numbers → Float64Array (NaN = missing), categoricals → Int32Array codes
 * into a dictionary sorted by Unicode code point (-1 = missing), text → strings. Row ids are 0-based data-row
 * indices. Validates the file first: existence, extension, emptiness, header-only, delimiter, mixed types.
 */
export async function loadTable(path: string, options: LoadTableOptions = {}): Promise<Table> {
  const format = formatOf(path, options.format);
  checkReadableFile(path);
  // apache-arrow takes longer to import than most reads take: only Arrow files load it
  if (format === 'arrow') return (await import('./arrow-ipc.js')).loadArrowTable(path, options);
  const lines = format === 'csv' ? headLines(path) : [];
  if (format === 'csv') checkNotBlank(path, lines);
  return withConnection(async (connection) => {
    try {
      return await loadWith(connection, path, format, lines, options, false);
    } catch (error) {
      if (format === 'csv' && isConversionError(error)) return loadWith(connection, path, format, lines, options, true);
      throw error;
    }
  }).catch((error: unknown) => {
    throw (format === 'csv' ? malformedCsvRow(path, error) : undefined) ?? error;
  });
}

function isConversionError(error: unknown): boolean {
  return !isGlassboxError(error) && error instanceof Error && /Could not convert|Conversion Error|convert string/i.test(error.message);
}

async function loadWith(
  connection: DuckDBConnection,
  path: string,
  format: TableFormat,
  lines: readonly string[],
  options: LoadTableOptions,
  allVarchar: boolean,
): Promise<Table> {
  const source = sourceSql(path, format, options, allVarchar);
  const columns = await describe(connection, path, format, source, lines, options, allVarchar);
  const fail = (error: unknown): unknown => (isConversionError(error) && !allVarchar ? error : readFailure(path, format, lines, options, error));
  const forced = { ...columnKindsFromSchema(options.schema), ...options.columnTypes };
  const known = columnCategoriesFromSchema(options.schema);
  const plans = await planColumns(connection, fail, source, columns, { forced, known }, options);
  const kinds = plans.flatMap((p) => p.read);
  const sql = `SELECT ${plans.flatMap((p) => p.select).join(', ')} FROM ${source}`;
  const read = await runRead(connection, fail, sql, kinds, {
    signal: options.signal,
    onProgress: options.onProgress,
    expectedRows: format === 'parquet' ? await parquetRows(connection, source) : undefined,
  });
  if (read.nRows === 0) {
    throw dataError('invalid_input', `${path} has a header but no data rows (0 rows, ${plans.length} columns).`, {
      file: path,
      count: 0,
      hint: 'Export the data again with its rows; glassbox needs at least one data row.',
    });
  }
  return assemble(path, plans, read.columns, read.nRows);
}

/** Parquet knows its row count from metadata, so buffers are allocated once at their final size. */
async function parquetRows(connection: DuckDBConnection, source: string): Promise<number> {
  return Number((await connection.runAndReadAll(`SELECT count(*) FROM ${source}`)).getRowsJS()[0]?.[0] ?? 0);
}

async function describe(
  connection: DuckDBConnection,
  path: string,
  format: TableFormat,
  source: string,
  lines: readonly string[],
  options: LoadTableOptions,
  allVarchar: boolean,
): Promise<SourceColumn[]> {
  try {
    const result = await connection.run(`SELECT * FROM ${source} LIMIT 0`);
    const names = result.columnNames();
    const types = result.columnTypes();
    if (format === 'csv') {
      const problem = delimiterProblem(path, lines, names.length, options.delimiter);
      if (problem) throw problem;
    }
    return names.map((name, i) => {
      const column = describeSourceColumn(name, types[i]!);
      return allVarchar ? { ...column, numericType: false } : column;
    });
  } catch (error) {
    throw readFailure(path, format, lines, options, error);
  }
}

function readFailure(path: string, format: TableFormat, lines: readonly string[], options: LoadTableOptions, error: unknown): unknown {
  if (isGlassboxError(error)) return error;
  if (format === 'csv') {
    const malformed = malformedCsvRow(path, error);
    if (malformed) return malformed;
    const problem = delimiterProblem(path, lines, undefined, options.delimiter);
    if (problem) return problem;
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new GlassboxError('invalid_input', `Could not read ${path} as ${format}: ${message}`, {
    file: path,
    hint: format === 'csv'
      ? 'Check the delimiter, the quoting (values with commas need double quotes) and that every line has the same number of fields.'
      : `Check that the file really is ${format}.`,
  }, { cause: error });
}

async function planColumns(
  connection: DuckDBConnection,
  fail: (error: unknown) => unknown,
  source: string,
  columns: readonly SourceColumn[],
  declared: { forced: Readonly<Record<string, ColumnKind>>; known: Readonly<Record<string, KnownCategories>> },
  options: LoadTableOptions,
): Promise<ColumnPlan[]> {
  const { forced, known } = declared;
  const textual = columns.filter((c) => !c.numericType && forced[c.name] === undefined);
  const stats = await gatherStats(connection, fail, source, textual);
  const heuristics = { maxCategories: options.maxCategories ?? 256 };
  const kinds = columns.map((c): ColumnKind => {
    const declared = forced[c.name];
    if (declared) return declared;
    if (c.numericType) return 'numeric';
    return inferTextKind(stats.byName.get(c.name)!, heuristics);
  });
  const categoricals = columns.filter((c, i) => kinds[i] === 'categorical' && !known[c.name]);
  const dictionaries = await readDictionaries(connection, source, categoricals);
  return columns.map((c, i) => {
    const kind = kinds[i]!;
    const fixed = known[c.name];
    if (kind === 'categorical' && fixed) return categoricalPlan(c, fixed.categories, fixed.role);
    if (kind === 'categorical') return categoricalPlan(c, dictionaries.get(c.name) ?? []);
    if (kind === 'text') return textPlan(c);
    return numericPlan(c, forced[c.name] === 'numeric' ? 'declared' : 'mixed');
  });
}

/** Rows sampled (from the start of the file) to infer the kind of text columns. */
const INFERENCE_ROWS = 10_000;

async function gatherStats(
  connection: DuckDBConnection,
  fail: (error: unknown) => unknown,
  source: string,
  textual: readonly SourceColumn[],
): Promise<{ byName: Map<string, TextStats> }> {
  const byName = new Map<string, TextStats>();
  if (textual.length === 0) return { byName };
  const inner = textual.map((c, i) => `${c.textSql} AS x${i}`).join(', ');
  const select = textual.map((_, i) => statsSelect(`x${i}`).join(', ')).join(', ');
  let row: unknown[];
  try {
    row = (await connection.runAndReadAll(`SELECT ${select} FROM (SELECT ${inner} FROM ${source} LIMIT ${INFERENCE_ROWS})`)).getRowsJS()[0] ?? [];
  } catch (error) {
    throw fail(error);
  }
  textual.forEach((c, i) => byName.set(c.name, textStats(Number(row[3 * i] ?? 0), (row[3 * i + 1] as string[] | null) ?? [], Number(row[3 * i + 2] ?? 0))));
  return { byName };
}

async function readDictionaries(
  connection: DuckDBConnection,
  source: string,
  categoricals: readonly SourceColumn[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (categoricals.length === 0) return out;
  const select = categoricals.map((c) => `list(DISTINCT ${c.textSql})`).join(', ');
  const row = (await connection.runAndReadAll(`SELECT ${select} FROM ${source}`)).getRowsJS()[0] ?? [];
  categoricals.forEach((c, i) => {
    const values = (row[i] as (string | null)[] | null) ?? [];
    out.set(c.name, sortedUnique(values.filter((v): v is string => v !== null)));
  });
  return out;
}

async function runRead(
  connection: DuckDBConnection,
  fail: (error: unknown) => unknown,
  sql: string,
  kinds: readonly ReadKind[],
  options: Parameters<typeof readChunks>[3],
): Promise<{ columns: ReadOutput[]; nRows: number }> {
  try {
    return await readChunks(connection, sql, kinds, options);
  } catch (error) {
    if (isGlassboxError(error) || isConversionError(error)) throw error;
    throw fail(error);
  }
}

function assemble(path: string, plans: readonly ColumnPlan[], outputs: readonly ReadOutput[], nRows: number): Table {
  const columns: Column[] = [];
  let k = 0;
  for (const plan of plans) {
    const value = outputs[k++]!;
    if (plan.read.length === 2) checkOffenders(path, plan, outputs[k++] as OffenderCollector, nRows);
    if (plan.kind === 'numeric') columns.push({ kind: 'numeric', name: plan.name, values: value as Float64Array });
    else if (plan.kind === 'categorical') columns.push({ kind: 'categorical', name: plan.name, codes: value as Int32Array, categories: plan.categories ?? [] });
    else columns.push({ kind: 'text', name: plan.name, values: value as string[] });
  }
  const rowIds = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) rowIds[i] = i;
  return { nRows, columns, rowIds, source: path };
}

function checkOffenders(path: string, plan: ColumnPlan, offenders: OffenderCollector, nRows: number): void {
  if (offenders.count === 0) return;
  if (plan.unknownRole) {
    const unknown = new Set(offenders.examples.map((o) => o.value ?? ''));
    throw unknownCategoriesError(plan.name, { categories: plan.categories, role: plan.unknownRole, file: path }, offenders, unknown, nRows);
  }
  const mixed = plan.parsedFrom === 'mixed';
  const message = mixed
    ? `Mixed types in column "${plan.name}" of ${path}: most values are numbers but ${offenders.count} of ${nRows} rows are not.`
    : `Unparsable numbers in numeric column "${plan.name}" of ${path}: ${offenders.count} of ${nRows} rows are not numbers.`;
  throw dataError(mixed ? 'invalid_input' : 'schema_mismatch', message, {
    file: path,
    column: plan.name,
    count: offenders.count,
    examples: offenders.examples,
    hint: mixed
      ? `Fix those cells (empty cells count as missing), or declare "${plan.name}" categorical in the schema / columnTypes.`
      : `Fix those cells (empty cells count as missing), or declare "${plan.name}" categorical in the schema if it is not a number.`,
  });
}
