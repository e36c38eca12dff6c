/**
 * Loading 1M rows × 20 columns (12 numeric with some missing values, 8 categorical with 5–40 levels) into a
 * columnar Table, from Parquet and from CSV, both generated with DuckDB into bench/.data/ (cached). DESIGN.md §4
 * quotes 0.4 s for Parquet → typed arrays on this kind of machine; that figure is printed beside ours.
 *
 * Run alone: `npx tsx bench/data-load.bench.ts`.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadTable } from '../src/data/load-table.js';
import { sortedUnique } from '../src/data/code-point.js';
import type { Schema } from '../src/data/schema.js';
import { printResults, timeMedian, type BenchResult } from './types.js';

const ROWS = 1_000_000;
const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '.data');
const DESIGN_PARQUET_S = 0.4;

function generatorSql(): string {
  const numeric = Array.from({ length: 12 }, (_, i) => (i % 3 === 0
    ? `CASE WHEN hash(range, ${i}) % 50 = 0 THEN NULL ELSE (hash(range, ${i}) % 1000)::BIGINT END AS n${i}`
    : `((hash(range, ${i}) % 1000000) / 1000.0)::DOUBLE AS n${i}`));
  const categorical = Array.from({ length: 8 }, (_, i) => `'level_' || (hash(range, ${100 + i}) % ${5 + 5 * i})::VARCHAR AS c${i}`);
  return `SELECT ${[...numeric, ...categorical].join(', ')} FROM range(${ROWS})`;
}

/** Writes the Parquet and CSV files once (temp name + rename, so an interrupted run leaves no half file). */
async function ensureData(): Promise<{ parquet: string; csv: string }> {
  mkdirSync(DATA_DIR, { recursive: true });
  const parquet = join(DATA_DIR, `mixed-${ROWS}x20.parquet`);
  const csv = join(DATA_DIR, `mixed-${ROWS}x20.csv`);
  if (existsSync(parquet) && existsSync(csv)) return { parquet, csv };
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  await connection.run(`COPY (${generatorSql()}) TO '${parquet}.tmp' (FORMAT parquet)`);
  await connection.run(`COPY (${generatorSql()}) TO '${csv}.tmp' (HEADER)`);
  connection.closeSync();
  renameSync(`${parquet}.tmp`, parquet);
  renameSync(`${csv}.tmp`, csv);
  return { parquet, csv };
}

/** The generator's schema: categories given, so loading codes against them without a dictionary pass. */
function benchSchema(): Schema {
  const numeric = Array.from({ length: 12 }, (_, i) => ({ name: `n${i}`, type: 'numeric' as const }));
  const categorical = Array.from({ length: 8 }, (_, i) => ({
    name: `c${i}`,
    type: 'categorical' as const,
    categories: sortedUnique(Array.from({ length: 5 + 5 * i }, (_, k) => `level_${k}`)),
  }));
  return { features: [...numeric, ...categorical] };
}

async function check(path: string): Promise<void> {
  const table = await loadTable(path);
  const kinds = table.columns.map((c) => c.kind);
  if (table.nRows !== ROWS || kinds.filter((k) => k === 'numeric').length !== 12 || kinds.filter((k) => k === 'categorical').length !== 8) {
    throw new Error(`data-load bench: unexpected table from ${path}: ${table.nRows} rows, kinds ${kinds.join(',')}`);
  }
}

export async function run(): Promise<BenchResult[]> {
  const { parquet, csv } = await ensureData();
  await check(parquet);
  await check(csv);
  const parquetS = await timeMedian(() => loadTable(parquet), 3, 1);
  const csvS = await timeMedian(() => loadTable(csv), 3, 1);
  const schema = benchSchema();
  const parquetSchemaS = await timeMedian(() => loadTable(parquet, { schema }), 3, 1);
  const csvSchemaS = await timeMedian(() => loadTable(csv, { schema }), 3, 1);
  return [
    {
      name: 'Parquet 1M×20 → Table',
      ours: parquetS,
      reference: DESIGN_PARQUET_S,
      unit: 's',
      referenceSource: 'DESIGN.md §4 (DuckDB Parquet → typed arrays, 1M×20)',
      note: `${Math.round(ROWS / parquetS).toLocaleString('en')} rows/s; median of 3 after 1 warm-up; includes kind inference and dictionaries`,
    },
    {
      name: 'CSV 1M×20 → Table',
      ours: csvS,
      unit: 's',
      note: `${Math.round(ROWS / csvS).toLocaleString('en')} rows/s; median of 3 after 1 warm-up; CSV parsed by DuckDB's parallel reader, inference on the first 10k rows`,
    },
    {
      name: 'Parquet 1M×20 → Table, schema with categories',
      ours: parquetSchemaS,
      reference: DESIGN_PARQUET_S,
      unit: 's',
      referenceSource: 'DESIGN.md §4',
      note: `${Math.round(ROWS / parquetSchemaS).toLocaleString('en')} rows/s; codes against the schema's lists, unknown values counted in the same pass`,
    },
    {
      name: 'CSV 1M×20 → Table, schema with categories',
      ours: csvSchemaS,
      unit: 's',
      note: `${Math.round(ROWS / csvSchemaS).toLocaleString('en')} rows/s; one parse of the file (no dictionary pass)`,
    },
    { name: 'Parquet 1M×20 throughput', ours: ROWS / parquetS, reference: ROWS / DESIGN_PARQUET_S, unit: 'rows/s', referenceSource: 'DESIGN.md §4' },
    { name: 'CSV 1M×20 throughput', ours: ROWS / csvS, unit: 'rows/s' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printResults('data-load', await run());
}
