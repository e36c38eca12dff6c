import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

/** One in-memory DuckDB instance per process (spilling to the OS temp folder); each load gets its own connection. */
function sharedInstance(): Promise<DuckDBInstance> {
  instance ??= DuckDBInstance.create(':memory:', { temp_directory: join(tmpdir(), 'glassbox-duckdb') });
  return instance;
}

/** Runs `work` on a fresh connection to the shared in-memory instance and closes it afterwards. */
export async function withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const connection = await (await sharedInstance()).connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
  }
}

/** A SQL identifier: "name" with embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal: 'text' with embedded quotes doubled. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A SQL list of string literals: ['a', 'b']. */
export function quoteList(texts: readonly string[]): string {
  return `[${texts.map(quoteLiteral).join(', ')}]`;
}
