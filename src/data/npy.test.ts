import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy, npyToFloat64, peekNpyHeader, readNpy, writeNpy } from './npy.js';
import type { NpyArray } from './npy.js';
import { caughtGlassboxErrorSync, REPO_ROOT, tempDir } from '../../test/fixtures/data/support.js';

const fixture = (name: string): string => join(REPO_ROOT, 'test', 'fixtures', 'data', name);
const { dir, cleanup } = tempDir();
afterAll(cleanup);


describe('reading without a copy', () => {
  it('view: the data share the bytes when aligned, and are copied when not; peekNpyHeader reads the shape only', () => {
    const path = join(dir, 'view.npy');
    writeNpy(path, Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
    const bytes = new Uint8Array(readFileSync(path));
    const view = readNpy(bytes, path, { view: true });
    expect(view.data.buffer).toBe(bytes.buffer);
    expect(Array.from(view.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readNpy(bytes, path).data.buffer).not.toBe(bytes.buffer);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const unaligned = readNpy(shifted.subarray(1), path, { view: true });
    expect(unaligned.data.buffer).not.toBe(shifted.buffer);
    expect(Array.from(unaligned.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(peekNpyHeader(path)).toMatchObject({ descr: '<f4', fortran: false, shape: [3, 2] });
    expect(peekNpyHeader(join(dir, 'missing.npy'))).toBeUndefined();
  });
});

describe('reading files written by numpy.save', () => {
  it('float32 [2, 3]: exact float32 values', () => {
    const a = readNpy(fixture('f4_2x3.npy'));
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data as Float32Array)).toEqual([0.5, -1.25, 3, Math.fround(1e-8), 65504, -0]);
  });

  it('float64 [5]: pi, -e, 1e300, the smallest subnormal, 0.1', () => {
    const a = readNpy(fixture('f8_5.npy'));
    expect(a.shape).toEqual([5]);
    expect(Array.from(a.data as Float64Array)).toEqual([Math.PI, -Math.E, 1e300, 5e-324, 0.1]);
  });

  it('uint8 [2, 2, 3] and int64 [4] (lossless beyond 2^53)', () => {
    const u = readNpy(fixture('u1_2x2x3.npy'));
    expect(u.shape).toEqual([2, 2, 3]);
    expect(Array.from(u.data as Uint8Array)).toEqual(Array.from({ length: 12 }, (_, i) => (i * 20) % 256));
    const i = readNpy(fixture('i8_4.npy'));
    expect(Array.from(i.data as BigInt64Array)).toEqual([-9007199254740993n, 0n, 42n, 9223372036854775807n]);
    expect(npyToFloat64(i)[2]).toBe(42);
  });

  it('Fortran order, unsupported dtypes, truncated files and non-npy files are rejected clearly', () => {
    expect(caughtGlassboxErrorSync(() => readNpy(fixture('f4_fortran.npy'))).message).toMatch(/Fortran/);
    expect(caughtGlassboxErrorSync(() => readNpy(fixture('f4_fortran.npy'))).details.hint).toMatch(/ascontiguousarray/);
    expect(caughtGlassboxErrorSync(() => readNpy(fixture('f4_bigendian.npy'))).message).toMatch(/unsupported dtype ">f4"/);
    expect(caughtGlassboxErrorSync(() => readNpy(fixture('i4_3.npy'))).message).toMatch(/unsupported dtype "<i4"/);
    const truncated = caughtGlassboxErrorSync(() => readNpy(fixture('f4_truncated.npy')));
    expect(truncated.message).toMatch(/truncated data: shape \[2, 3\] float32 needs 24 bytes but only 19/);
    expect(caughtGlassboxErrorSync(() => readNpy(fixture('README.md'))).message).toMatch(/not a \.npy file/);
    expect(caughtGlassboxErrorSync(() => readNpy(join(dir, 'missing.npy'))).message).toMatch(/not found/);
  });
});

describe('writing', () => {
  it('rejects element types .npy cannot hold as given (an Int32Array would get an int64 header)', () => {
    const error = caughtGlassboxErrorSync(() => encodeNpy(new Int32Array([1, 2]) as unknown as NpyArray['data'], [2]));
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toContain('Int32Array');
  });
  const cases: [string, NpyArray['data'], number[]][] = [
    ['float32', new Float32Array([1.5, -2, Math.fround(0.1), NaN]), [2, 2]],
    ['float64', new Float64Array([0.1, 1e-310, -Infinity]), [3]],
    ['uint8', new Uint8Array([0, 127, 255, 1, 2, 3]), [1, 2, 3]],
    ['int64', new BigInt64Array([-(2n ** 63n), 2n ** 53n + 1n]), [2, 1]],
  ];
  for (const [dtype, data, shape] of cases) {
    it(`${dtype} round trip through a file (64-byte aligned header)`, () => {
      const path = join(dir, `${dtype}.npy`);
      writeNpy(path, data, shape);
      const bytes = readFileSync(path);
      const headerLength = bytes.readUInt16LE(8);
      expect((10 + headerLength) % 64).toBe(0);
      const back = readNpy(path);
      expect(back.dtype).toBe(dtype);
      expect(back.shape).toEqual(shape);
      expect(Array.from(back.data as ArrayLike<number | bigint>)).toEqual(Array.from(data as ArrayLike<number | bigint>));
    });
  }

  it('produces the same bytes numpy.save wrote for the same array', () => {
    const original = readFileSync(fixture('f4_2x3.npy'));
    const a = readNpy(original);
    expect(Buffer.from(encodeNpy(a.data, a.shape)).equals(original)).toBe(true);
  });

  it('rejects a shape that does not match the data', () => {
    expect(caughtGlassboxErrorSync(() => encodeNpy(new Float32Array(5), [2, 3])).code).toBe('shape_mismatch');
  });
});
