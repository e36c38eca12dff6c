import bindings from '@duckdb/node-bindings';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import { throwIfAborted } from '../../errors.js';
import { OffenderCollector } from '../data-errors.js';

/**
 * How one result column is read. The SQL must already have replaced NULLs: `float64` columns are DOUBLE
 * with NaN for missing, `int32` columns are INTEGER with -1 for missing. `string` columns are VARCHAR
 * (NULL → ''), `offenders` columns are VARCHAR that are NULL except on offending rows, which are counted.
 */
export type ReadKind = 'float64' | 'int32' | 'string' | 'offenders';

export type ReadOutput = Float64Array | Int32Array | string[] | OffenderCollector;

export interface ReadOptions {
  readonly signal?: AbortSignal | undefined;
  /** Called after each chunk with the number of rows read so far. */
  readonly onProgress?: ((rowsRead: number) => void) | undefined;
  /** Rows expected (exact for Parquet); buffers grow when it is unknown or too small. */
  readonly expectedRows?: number | undefined;
  /** Materialize the result inside DuckDB first (faster for moderate sizes) instead of streaming it. */
  readonly materialize?: boolean | undefined;
}

type Buffers = (Float64Array | Int32Array | string[] | OffenderCollector)[];

function allocate(kinds: readonly ReadKind[], capacity: number): Buffers {
  return kinds.map((kind) => {
    switch (kind) {
      case 'float64':
        return new Float64Array(capacity);
      case 'int32':
        return new Int32Array(capacity);
      case 'string':
        return [];
      case 'offenders':
        return new OffenderCollector();
    }
  });
}

function grow(buffers: Buffers, capacity: number): void {
  for (let j = 0; j < buffers.length; j++) {
    const b = buffers[j];
    if (b instanceof Float64Array || b instanceof Int32Array) {
      const next = b instanceof Float64Array ? new Float64Array(capacity) : new Int32Array(capacity);
      next.set(b);
      buffers[j] = next;
    }
  }
}

/** Copies one chunk's columns into the buffers at `offset`, straight from DuckDB's vector memory. */
function copyChunk(chunk: DuckDBDataChunk, kinds: readonly ReadKind[], buffers: Buffers, offset: number): void {
  const n = chunk.rowCount;
  for (let j = 0; j < kinds.length; j++) {
    const out = buffers[j]!;
    if (out instanceof Float64Array || out instanceof Int32Array) {
      const vector = bindings.data_chunk_get_vector(chunk.chunk, j);
      const bytes = bindings.vector_get_data(vector, n * out.BYTES_PER_ELEMENT);
      const view = out instanceof Float64Array
        ? new Float64Array(bytes.buffer, bytes.byteOffset, n)
        : new Int32Array(bytes.buffer, bytes.byteOffset, n);
      out.set(view, offset);
    } else if (Array.isArray(out)) {
      const vector = chunk.getColumnVector(j);
      for (let i = 0; i < n; i++) out.push((vector.getItem(i) as string | null) ?? '');
    } else {
      const vector = chunk.getColumnVector(j);
      for (let i = 0; i < n; i++) {
        const v = vector.getItem(i) as string | null;
        if (v !== null) out.add(offset + i, v);
      }
    }
  }
}

/** Trims typed buffers to `n` rows. */
function finish(buffers: Buffers, n: number): ReadOutput[] {
  return buffers.map((b) => {
    if ((b instanceof Float64Array || b instanceof Int32Array) && b.length !== n) return b.slice(0, n);
    return b;
  });
}

/**
 * Runs `sql` and reads its result chunk by chunk into typed arrays (no per-row JS objects for numeric and
 * categorical columns). Returns the arrays in select-list order and the row count.
 */
export async function readChunks(
  connection: DuckDBConnection,
  sql: string,
  kinds: readonly ReadKind[],
  options: ReadOptions = {},
): Promise<{ columns: ReadOutput[]; nRows: number }> {
  let capacity = Math.max(options.expectedRows ?? 0, 2048);
  const buffers = allocate(kinds, capacity);
  const result: DuckDBResult = options.materialize ? await connection.run(sql) : await connection.stream(sql);
  let offset = 0;
  for (;;) {
    throwIfAborted(options.signal);
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    if (offset + chunk.rowCount > capacity) {
      capacity = Math.max(capacity * 2, offset + chunk.rowCount);
      grow(buffers, capacity);
    }
    copyChunk(chunk, kinds, buffers, offset);
    offset += chunk.rowCount;
    options.onProgress?.(offset);
  }
  return { columns: finish(buffers, offset), nRows: offset };
}
