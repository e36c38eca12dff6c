import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from './npy.js';
import { NpyRowWriter, openNpyRows } from './npy-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-npy-stream-'));

describe('streamed .npy rows', () => {
  it('reads any block of rows as float32, from float32, float64 and uint8 files', () => {
    const values = Float64Array.from({ length: 7 * 6 }, (_, i) => i * 0.5);
    for (const [name, data] of [['f32', Float32Array.from(values)], ['f64', values], ['u8', Uint8Array.from(values, (v) => Math.floor(v))]] as const) {
      const path = join(dir, `${name}.npy`);
      writeNpy(path, data, [7, 2, 3]);
      const reader = openNpyRows(path);
      expect(reader.rows).toBe(7);
      expect(reader.rowSize).toBe(6);
      expect(Array.from(reader.readRows(2, 3))).toEqual(Array.from(data.subarray(12, 30), Number));
      expect(() => reader.readRows(6, 2)).toThrow(/truncated data at row 7/);
      reader.close();
    }
  });

  it('writes blocks into a file numpy can read, renamed into place only when complete', () => {
    const path = join(dir, 'out.npy');
    const writer = new NpyRowWriter(path, [4, 2]);
    writer.append(Float32Array.of(1, 2, 3, 4));
    expect(existsSync(path)).toBe(false);
    writer.append(Float32Array.of(5, 6, 7, 8));
    writer.finish();
    const back = readNpy(path);
    expect(back.shape).toEqual([4, 2]);
    expect(Array.from(back.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const short = new NpyRowWriter(join(dir, 'short.npy'), [4, 2]);
    short.append(Float32Array.of(1, 2));
    expect(() => short.finish()).toThrow(/2 values were written for a shape of 8/);
    expect(existsSync(join(dir, 'short.npy'))).toBe(false);
    const aborted = new NpyRowWriter(join(dir, 'aborted.npy'), [1, 1]);
    aborted.abort();
    expect(readdirSync(dir).filter((f) => f.includes('aborted') || f.endsWith('.tmp'))).toEqual([]);
  });
});
