import { describe, expect, it } from 'vitest';
import { GlassboxError } from '../errors.js';
import { declarativeEncoder } from './declarative.js';
import { inputToFeatureIndex, type RawMatrix } from './encoder.js';
import { encoderFromJson, encoderToJson } from './json.js';

const spec = {
  steps: [
    { column: 'age', kind: 'standardize', mean: 30, std: 10 },
    { column: 'color', kind: 'onehot', categories: ['blue', 'green', 'red'] },
    { column: 'income', kind: 'minmax', min: 100, max: 300 },
    { column: 'size', kind: 'ordinal', categories: ['S', 'M', 'L'] },
    { column: 'count', kind: 'passthrough' },
  ],
};

function raw(rows: number[][]): RawMatrix {
  return { data: Float64Array.from(rows.flat()), nRows: rows.length, nFeatures: rows[0]!.length };
}

function thrown(fn: () => unknown): GlassboxError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GlassboxError) return error;
    throw error;
  }
  throw new Error('expected a GlassboxError');
}

describe('declarativeEncoder', () => {
  it('lays out blocks in step order and maps inputs back to raw features', () => {
    const enc = declarativeEncoder(spec);
    expect(enc.outputWidth).toBe(7);
    expect(enc.features.map((f) => [f.name, f.type, f.offset, f.width])).toEqual([
      ['age', 'numeric', 0, 1],
      ['color', 'categorical', 1, 3],
      ['income', 'numeric', 4, 1],
      ['size', 'categorical', 5, 1],
      ['count', 'numeric', 6, 1],
    ]);
    expect(Array.from(inputToFeatureIndex(enc))).toEqual([0, 1, 1, 1, 2, 3, 4]);
  });

  it('applies each rule, computing in float64 and rounding once to float32', () => {
    const enc = declarativeEncoder(spec);
    const x = enc.encode(raw([
      [45, 2, 150, 0, 7.1],
      [30, 0, 300, 2, -1],
    ]));
    const expected = [(45 - 30) / 10, 0, 0, 1, (150 - 100) / 200, 0, 7.1, 0, 1, 0, 0, 1, 2, -1].map(Math.fround);
    expect(Array.from(x)).toEqual(expected);
  });

  it('is bit-exact where float32 arithmetic would differ: one rounding of the float64 quotient', () => {
    // (x - mean) / std in float32 steps rounds three times; the rule rounds once.
    const mean = 20.860026917900402;
    const std = 11.966386457260082;
    const enc = declarativeEncoder({ steps: [{ column: 'm', kind: 'standardize', mean, std }] });
    const xs = Array.from({ length: 200 }, (_, i) => i * 0.37 + 1);
    const out = enc.encode({ data: Float64Array.from(xs), nRows: xs.length, nFeatures: 1 });
    xs.forEach((x, i) => expect(out[i]).toBe(Math.fround((x - mean) / std)));
  });

  it('reuses an output buffer, clearing one-hot blocks it wrote before', () => {
    const enc = declarativeEncoder(spec);
    const buffer = new Float32Array(7 * 3).fill(9);
    const first = enc.encode(raw([[30, 1, 100, 1, 0]]), buffer);
    expect(first.length).toBe(7);
    expect(first.buffer).toBe(buffer.buffer);
    expect(Array.from(first)).toEqual([0, 0, 1, 0, 0, 1, 0]);
  });

  it('treats a zero min-max range as 1 (constant column encodes to 0)', () => {
    const enc = declarativeEncoder({ steps: [{ column: 'c', kind: 'minmax', min: 5, max: 5 }] });
    expect(Array.from(enc.encode(raw([[5]])))).toEqual([0]);
  });

  it('names the column and row of a missing number or an unknown category code', () => {
    const enc = declarativeEncoder(spec);
    const nan = thrown(() => enc.encode(raw([[30, 0, 100, 0, 1], [NaN, 0, 100, 0, 1]])));
    expect(nan.message).toContain('row 1 of the rows being encoded (a position, not a file row), column "age"');
    expect(nan.details).toMatchObject({ column: 'age', row: 1 });
    const unknown = thrown(() => enc.encode(raw([[30, 3, 100, 0, 1]])));
    expect(unknown.message).toContain('column "color" is category code 3, not one of 0..2');
    expect(thrown(() => enc.encode(raw([[30, 0.5, 100, 0, 1]]))).details.column).toBe('color');
    expect(thrown(() => enc.encode(raw([[30, 0, 100, NaN, 1]]))).message).toContain('"size" is missing');
    expect(thrown(() => enc.encode(raw([[30, 0, 100, 0]]))).code).toBe('shape_mismatch');
  });

  it('rejects malformed specs with the path of the culprit', () => {
    expect(thrown(() => declarativeEncoder({ steps: [{ column: 'a', kind: 'standardize', mean: 0, std: 0 }] })).message).toContain('steps[0].std');
    expect(thrown(() => declarativeEncoder({ steps: [{ column: 'a', kind: 'zscore' }] })).message).toContain('steps[0].kind');
    expect(thrown(() => declarativeEncoder({ steps: [{ column: 'a', kind: 'onehot', categories: ['x', 'x'] }] })).message).toContain('unique');
    expect(thrown(() => declarativeEncoder({ steps: [{ column: 'a', kind: 'passthrough' }, { column: 'a', kind: 'passthrough' }] })).message).toContain('more than one step');
    expect(thrown(() => declarativeEncoder({ steps: [{ column: 'a', kind: 'onehot', categories: ['x', 'y'], width: 3 }] })).message).toContain('declares width 3');
    expect(thrown(() => declarativeEncoder({ steps: [{ column: 'a', kind: 'passthrough', offset: 1 }] })).message).toContain('no step fills input index 0');
    expect(thrown(() => declarativeEncoder({ steps: [{ column: 'a', kind: 'onehot', categories: ['x', 'y'] }, { column: 'b', kind: 'passthrough', offset: 1 }] })).message).toContain('overlaps column "a"');
    expect(thrown(() => declarativeEncoder({ input_dim: 3, steps: [{ column: 'a', kind: 'passthrough' }] })).message).toContain('input_dim is 3');
    expect(thrown(() => declarativeEncoder({ column_order: ['b'], steps: [{ column: 'a', kind: 'passthrough' }] })).message).toContain('column_order');
  });

  it('honours explicit offsets that permute the blocks', () => {
    const enc = declarativeEncoder({
      steps: [
        { column: 'a', kind: 'passthrough', offset: 2 },
        { column: 'b', kind: 'onehot', categories: ['x', 'y'], offset: 0 },
      ],
    });
    expect(Array.from(enc.encode(raw([[4, 1]])))).toEqual([0, 1, 4]);
    expect(Array.from(inputToFeatureIndex(enc))).toEqual([1, 1, 0]);
  });

  it('round-trips through encoderToJson / encoderFromJson with identical vectors', () => {
    const enc = declarativeEncoder(spec);
    const json = JSON.parse(JSON.stringify(encoderToJson(enc))) as unknown;
    const again = encoderFromJson(json);
    const rows = raw([[12.3456789, 1, 222.2, 2, 3.3], [99, 2, 101, 0, 0]]);
    expect(Array.from(again.encode(rows))).toEqual(Array.from(enc.encode(rows)));
    expect(again.features).toEqual(enc.features);
  });
});
