import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ARRAY, DuckDBDataChunk, DuckDBInstance, FLOAT, INTEGER } from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import bindings from '@duckdb/node-bindings';
import { GlassboxError } from '../../errors.js';
import { quoteLiteral } from './connection.js';

const CHUNK = 2048;

/**
 * Writes float32 rows to a Parquet file as they come: columns `row_id` (INT32) and `values` (a list of
 * FLOAT per row, the row flattened C-order), plus the row shape in the file's key-value metadata
 * (`shape`, JSON). Batches are appended to a disk-backed DuckDB table beside the output (memory capped at
 * 256 MB, so 100k wide rows need not fit in memory), and `finish` copies it to Parquet (zstd) under a
 * temporary name, renamed when complete.
 */
export class ParquetRowWriter {
  readonly #path: string;
  readonly #database: string;
  readonly #temp: string;
  readonly #width: number;
  readonly #expected: number;
  readonly #shape: readonly number[];
  #written = 0;
  #instance: DuckDBInstance | undefined;
  #connection: DuckDBConnection | undefined;
  #appender: DuckDBAppender | undefined;
  #chunk: DuckDBDataChunk | undefined;

  private constructor(path: string, shape: readonly number[]) {
    this.#path = path;
    mkdirSync(dirname(path), { recursive: true });
    const tag = randomBytes(6).toString('hex');
    this.#database = join(dirname(path), `.${basename(path)}.${tag}.duckdb`);
    this.#temp = join(dirname(path), `.${basename(path)}.${tag}.tmp`);
    this.#shape = shape;
    this.#width = shape.slice(1).reduce((a, b) => a * b, 1);
    this.#expected = shape[0] ?? 0;
  }

  /** Opens a writer for `shape` = [rows, …row dims]. */
  static async open(path: string, shape: readonly number[]): Promise<ParquetRowWriter> {
    const writer = new ParquetRowWriter(path, shape);
    try {
      writer.#instance = await DuckDBInstance.create(writer.#database, { memory_limit: '256MB', threads: '1' });
      writer.#connection = await writer.#instance.connect();
      await writer.#connection.run(`CREATE TABLE rows (row_id INTEGER, "values" FLOAT[${writer.#width}])`);
      writer.#appender = await writer.#connection.createAppender('rows');
      writer.#chunk = DuckDBDataChunk.create([INTEGER, ARRAY(FLOAT, writer.#width)], CHUNK);
    } catch (error) {
      writer.abort();
      throw error;
    }
    return writer;
  }

  /** Appends rows: `rowIds[i]` and values[i·width … (i+1)·width). */
  append(rowIds: Int32Array, values: Float32Array): void {
    const m = rowIds.length;
    if (values.length !== m * this.#width) throw new GlassboxError('shape_mismatch', `${this.#path}: ${values.length} values for ${m} rows of ${this.#width}.`, { file: this.#path });
    const chunk = this.#chunk!;
    for (let offset = 0; offset < m; offset += CHUNK) {
      const count = Math.min(CHUNK, m - offset);
      chunk.reset();
      const ids = bindings.data_chunk_get_vector(chunk.chunk, 0);
      bindings.copy_data_to_vector(ids, 0, rowIds.buffer as ArrayBuffer, rowIds.byteOffset + offset * 4, count * 4);
      const child = bindings.array_vector_get_child(bindings.data_chunk_get_vector(chunk.chunk, 1));
      bindings.copy_data_to_vector(child, 0, values.buffer as ArrayBuffer, values.byteOffset + offset * this.#width * 4, count * this.#width * 4);
      chunk.rowCount = count;
      this.#appender!.appendDataChunk(chunk);
    }
    this.#written += m;
  }

  /** Checks the row count, writes the Parquet file and renames it into place. */
  async finish(): Promise<void> {
    try {
      if (this.#written !== this.#expected) throw new GlassboxError('shape_mismatch', `${this.#path}: ${this.#written} rows were written for ${this.#expected}.`, { file: this.#path });
      this.#appender!.closeSync();
      this.#appender = undefined;
      const metadata = `{shape: ${quoteLiteral(JSON.stringify(this.#shape))}}`;
      await this.#connection!.run(`COPY (SELECT row_id, "values"::FLOAT[] AS "values" FROM rows ORDER BY rowid) TO ${quoteLiteral(this.#temp)} (FORMAT parquet, COMPRESSION zstd, KV_METADATA ${metadata})`);
      this.#close();
      renameSync(this.#temp, this.#path);
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Drops everything written so far (the database and any partial file). */
  abort(): void {
    this.#close();
    rmSync(this.#temp, { force: true });
  }

  #close(): void {
    try {
      this.#appender?.closeSync();
    } catch {
      // closed already
    }
    this.#appender = undefined;
    this.#connection?.closeSync();
    this.#connection = undefined;
    this.#instance?.closeSync();
    this.#instance = undefined;
    rmSync(this.#database, { force: true });
    rmSync(`${this.#database}.wal`, { force: true });
  }
}
