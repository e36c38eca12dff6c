import { DuckDBDataChunk, DOUBLE, INTEGER } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import bindings from '@duckdb/node-bindings';
import { withConnection } from './connection.js';

/** A typed column to load into DuckDB. */
export interface FrameColumn {
  readonly name: string;
  readonly values: Int32Array | Float64Array;
}

let counter = 0;
const CHUNK = 2048;

/**
 * Loads typed columns into a temporary table of the process's one DuckDB instance (see connection.ts),
 * copied chunk by chunk straight into DuckDB's vector memory (no per-row JS objects), runs `work` on it
 * and drops it. Column names must be SQL-safe identifiers chosen by the caller (g0, y, …).
 */
export function withFrame<T>(columns: readonly FrameColumn[], work: (connection: DuckDBConnection, table: string) => Promise<T>): Promise<T> {
  return withConnection(async (connection) => {
    const table = `glassbox_frame_${process.pid}_${counter++}`;
    try {
      await createFrame(connection, table, columns);
      return await work(connection, table);
    } finally {
      await connection.run(`DROP TABLE IF EXISTS ${table}`);
    }
  });
}

async function createFrame(connection: DuckDBConnection, table: string, columns: readonly FrameColumn[]): Promise<void> {
  const types = columns.map((c) => (c.values instanceof Int32Array ? INTEGER : DOUBLE));
  const ddl = columns.map((c) => `${c.name} ${c.values instanceof Int32Array ? 'INTEGER' : 'DOUBLE'}`).join(', ');
  await connection.run(`CREATE TEMP TABLE ${table} (${ddl})`);
  const n = columns[0]?.values.length ?? 0;
  const appender = await connection.createAppender(table);
  const chunk = DuckDBDataChunk.create(types, CHUNK);
  for (let offset = 0; offset < n; offset += CHUNK) {
    const m = Math.min(CHUNK, n - offset);
    chunk.reset();
    columns.forEach((column, j) => {
      const vector = bindings.data_chunk_get_vector(chunk.chunk, j);
      const bytes = column.values.BYTES_PER_ELEMENT;
      bindings.copy_data_to_vector(vector, 0, column.values.buffer as ArrayBuffer, column.values.byteOffset + offset * bytes, m * bytes);
    });
    chunk.rowCount = m;
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}
