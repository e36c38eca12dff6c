import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParquetRowWriter } from './parquet-row-writer.js';

describe('ParquetRowWriter', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-parquet-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('streams batches into one Parquet file: row ids, float32 values in row order, shape in the metadata', async () => {
    const n = 5000;
    const values = Float32Array.from({ length: n * 6 }, (_, i) => Math.fround(Math.sin(i) * 100));
    const path = join(dir, 'layer.parquet');
    const writer = await ParquetRowWriter.open(path, [n, 2, 3]);
    // batches that cross the 2048-row chunk boundary
    for (const [start, end] of [[0, 2500], [2500, 2501], [2501, 5000]] as const) writer.append(Int32Array.from({ length: end - start }, (_, i) => 100 + start + i), values.subarray(start * 6, end * 6));
    await writer.finish();
    expect((await readdir(dir)).filter((f) => f.startsWith('.'))).toEqual([]);
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const rows = (await c.runAndReadAll(`SELECT row_id, "values" FROM '${path}'`)).getRowsJson() as [number, number[]][];
    expect(rows).toHaveLength(n);
    rows.forEach(([id, v], i) => {
      expect(id).toBe(100 + i);
      expect(v).toEqual(Array.from(values.subarray(i * 6, i * 6 + 6)));
    });
    const meta = (await c.runAndReadAll(`SELECT key::VARCHAR, value::VARCHAR FROM parquet_kv_metadata('${path}')`)).getRowsJson();
    expect(meta).toContainEqual(['shape', '[5000,2,3]']);
    c.closeSync();
    db.closeSync();
  });

  it('refuses a short write and leaves nothing behind; abort removes its files', async () => {
    const sub = join(dir, 'short');
    const writer = await ParquetRowWriter.open(join(sub, 'x.parquet'), [3, 2]);
    writer.append(Int32Array.of(0, 1), new Float32Array(4));
    await expect(writer.finish()).rejects.toThrow(/2 rows were written for 3/);
    expect(await readdir(sub)).toEqual([]);
    const other = await ParquetRowWriter.open(join(sub, 'y.parquet'), [3, 2]);
    expect(() => other.append(Int32Array.of(0), new Float32Array(3))).toThrow(/3 values for 1 rows of 2/);
    other.abort();
    expect(await readdir(sub)).toEqual([]);
  });
});
