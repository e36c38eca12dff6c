import { describe, expect, it } from 'vitest';
import type { FeatureSpec } from '../data/schema.js';
import { GlassboxError } from '../errors.js';
import { Rng } from '../rng.js';
import type { RawMatrix } from './encoder.js';
import { fitEncoder } from './fit.js';
import { encoderFromJson, encoderToJson } from './json.js';

const features: FeatureSpec[] = [
  { name: 'x', type: 'numeric' },
  { name: 'c', type: 'categorical', categories: ['a', 'b', 'c'] },
  { name: 'y', type: 'numeric' },
];

function sample(n: number, seed: number): RawMatrix {
  const rng = new Rng(seed);
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[i * 3] = 50 + 10 * rng.normal();
    data[i * 3 + 1] = Math.floor(rng.next() * 3);
    data[i * 3 + 2] = rng.next() * 7 - 2;
  }
  return { data, nRows: n, nFeatures: 3 };
}

describe('fitEncoder', () => {
  it('standardizes training rows to mean 0 and population std 1', () => {
    const raw = sample(500, 1);
    const enc = fitEncoder(raw, features);
    expect(enc.outputWidth).toBe(5);
    const out = enc.encode(raw);
    for (const col of [0, 4]) {
      let sum = 0;
      let squares = 0;
      for (let i = 0; i < 500; i++) sum += out[i * 5 + col]!;
      const mean = sum / 500;
      for (let i = 0; i < 500; i++) squares += (out[i * 5 + col]! - mean) ** 2;
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(Math.sqrt(squares / 500)).toBeCloseTo(1, 5); // ddof = 0
    }
    // one-hot rows sum to 1
    for (let i = 0; i < 500; i++) expect(out[i * 5 + 1]! + out[i * 5 + 2]! + out[i * 5 + 3]!).toBe(1);
  });

  it('fits on the given training rows only', () => {
    const raw: RawMatrix = { data: Float64Array.from([0, 0, 1, 2, 0, 1, 100, 0, 1]), nRows: 3, nFeatures: 3 };
    const enc = fitEncoder(raw, features, { rows: [0, 1] });
    const step = enc.spec.steps[0]!;
    expect(step).toMatchObject({ kind: 'standardize', mean: 1, std: 1 });
  });

  it('supports min-max, passthrough and ordinal choices, per feature too', () => {
    const raw = sample(200, 2);
    const enc = fitEncoder(raw, features, { numeric: 'minmax', categorical: 'ordinal', perFeature: { y: 'passthrough' } });
    expect(enc.features.map((f) => f.width)).toEqual([1, 1, 1]);
    const out = enc.encode(raw);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < 200; i++) {
      min = Math.min(min, out[i * 3]!);
      max = Math.max(max, out[i * 3]!);
      expect(out[i * 3 + 1]).toBe(raw.data[i * 3 + 1]);
      expect(out[i * 3 + 2]).toBe(Math.fround(raw.data[i * 3 + 2]!));
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
  });

  it('replaces a zero std by 1, as scikit-learn does', () => {
    const raw: RawMatrix = { data: Float64Array.from([3, 0, 1, 3, 1, 2]), nRows: 2, nFeatures: 3 };
    const enc = fitEncoder(raw, features);
    expect(enc.spec.steps[0]).toMatchObject({ mean: 3, std: 1 });
  });

  it('saves and reloads to the same vectors', () => {
    const raw = sample(50, 3);
    const enc = fitEncoder(raw, features);
    const again = encoderFromJson(JSON.parse(JSON.stringify(encoderToJson(enc))));
    expect(Array.from(again.encode(raw))).toEqual(Array.from(enc.encode(raw)));
  });

  it('rejects NaN training values, unknown codes, wrong kinds and text features by name', () => {
    const raw: RawMatrix = { data: Float64Array.from([1, 0, 1, NaN, 0, 1]), nRows: 2, nFeatures: 3 };
    expect(() => fitEncoder(raw, features)).toThrow(/row 1 of the rows being encoded .*, column "x"/);
    const badCode: RawMatrix = { data: Float64Array.from([1, 5, 1]), nRows: 1, nFeatures: 3 };
    expect(() => fitEncoder(badCode, features)).toThrow(/column "c" is category code 5/);
    expect(() => fitEncoder(sample(3, 1), features, { perFeature: { x: 'onehot' } })).toThrow(/does not apply to numeric feature "x"/);
    expect(() => fitEncoder({ data: new Float64Array(1), nRows: 1, nFeatures: 1 }, [{ name: 't', type: 'text' }])).toThrow(GlassboxError);
    expect(() => fitEncoder(sample(3, 1), features, { rows: [5] })).toThrow(/rows\[0\] = 5/);
  });
});
