import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { GlassboxError } from '../errors.js';
import { quoteList, quoteLiteral } from './duckdb/connection.js';

export type TableFormat = 'csv' | 'parquet' | 'jsonl' | 'arrow';

const EXTENSIONS: Readonly<Record<string, TableFormat>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
};

/** Cell texts read as missing in CSV files unless `nullValues` says otherwise. */
export const DEFAULT_NULL_VALUES: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL'];

export interface CsvOptions {
  /** Field separator; detected by DuckDB's sniffer when omitted (`\t` for .tsv). */
  readonly delimiter?: string | undefined;
  /** Cell texts that mean "missing". */
  readonly nullValues?: readonly string[] | undefined;
}

/** The format of a file from its extension, or an error naming the supported ones. */
export function formatOf(path: string, format?: TableFormat): TableFormat {
  if (format) return format;
  const ext = extname(path).toLowerCase();
  const found = EXTENSIONS[ext];
  if (!found) {
    throw new GlassboxError('invalid_input', `Unsupported file extension "${ext || '(none)'}" for ${path}.`, {
      file: path,
      hint: `Use one of ${Object.keys(EXTENSIONS).join(', ')}, or pass format: 'csv' | 'parquet' | 'jsonl' | 'arrow'.`,
    });
  }
  return found;
}

/** Throws a clear error when the path does not exist, is a folder, or is empty. Returns its size. */
export function checkReadableFile(path: string): number {
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) {
      throw new GlassboxError('invalid_input', `${path} is a directory, not a data file.`, {
        file: path,
        hint: 'Pass the path of a .csv, .parquet, .jsonl or .arrow file (image folders load with loadImageFolder).',
      });
    }
    size = stats.size;
  } catch (error) {
    if (error instanceof GlassboxError) throw error;
    throw new GlassboxError('invalid_input', `Data file not found: ${path} (resolved to ${resolve(path)}).`, {
      file: path,
      hint: 'Check the path and the working directory.',
    }, { cause: error });
  }
  if (size === 0) {
    throw new GlassboxError('invalid_input', `The data file ${path} is empty (0 bytes).`, {
      file: path,
      count: 0,
      hint: 'Export the data again; a table needs a header line and at least one data row.',
    });
  }
  return size;
}

/** The DuckDB table function that reads the file, e.g. `read_csv('x.csv', header=true, …)`. */
export function sourceSql(path: string, format: TableFormat, csv: CsvOptions = {}, allVarchar = false): string {
  const file = quoteLiteral(path);
  switch (format) {
    case 'parquet':
      return `read_parquet(${file})`;
    case 'jsonl':
      return `read_json(${file}, format='newline_delimited')`;
    case 'csv': {
      const delimiter = csv.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : undefined);
      const options = [
        'header=true',
        'skip=0',
        `quote='"'`,
        `escape='"'`,
        `nullstr=${quoteList(csv.nullValues ?? DEFAULT_NULL_VALUES)}`,
        allVarchar ? 'all_varchar=true' : `auto_type_candidates=['BIGINT', 'DOUBLE', 'VARCHAR']`,
      ];
      if (delimiter !== undefined) options.push(`delim=${quoteLiteral(delimiter)}`);
      return `read_csv(${file}, ${options.join(', ')})`;
    }
    case 'arrow':
      throw new GlassboxError('internal', 'Arrow IPC files are read with apache-arrow, not DuckDB.');
  }
}
