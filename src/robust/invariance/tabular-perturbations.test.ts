import { describe, expect, it } from 'vitest';
import type { RawMatrix } from '../../encode/encoder.js';
import { Rng } from '../../rng.js';
import { categorySwap } from './category-swap.js';
import { raisedValues } from './directional.js';
import { numericFeatureStats } from './feature-stats.js';
import { noiseFeature, numericNoise } from './numeric-noise.js';

/** n rows of [uniform(0, 100), integer 0..9, category code 0..4]. */
function rows(n: number, seed: number): RawMatrix {
  const rng = new Rng(seed);
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) data.set([rng.next() * 100, rng.int(10), rng.int(5)], i * 3);
  return { data, nRows: n, nFeatures: 3 };
}

describe('feature statistics', () => {
  it('spread is IQR/1.349 (σ for normal data), std when the IQR is 0; integer columns are recognised', () => {
    const rng = new Rng(0);
    const normal = Float64Array.from({ length: 20000 }, () => 5 + 3 * rng.normal());
    const s = numericFeatureStats({ data: normal, nRows: normal.length, nFeatures: 1 }, 0);
    expect(s.spreadMethod).toBe('iqr');
    expect(s.spread).toBeGreaterThan(2.9);
    expect(s.spread).toBeLessThan(3.1);
    expect(s.integer).toBe(false);
    const mostlyZero = Float64Array.from({ length: 100 }, (_, i) => (i < 90 ? 0 : 1));
    const z = numericFeatureStats({ data: mostlyZero, nRows: 100, nFeatures: 1 }, 0);
    expect(z.spreadMethod).toBe('std');
    expect(z.spread).toBeCloseTo(Math.sqrt((10 * 0.9 * 0.9 + 90 * 0.01) / 99), 10);
    expect(z.integer).toBe(true);
  });
});

describe('numeric noise', () => {
  it('stays within the bounds, is scaled to the spread, and changes only the listed features', () => {
    const raw = rows(4000, 1);
    const stats = numericFeatureStats(raw, 0);
    const feature = noiseFeature(0, stats, 0.05, [0, 100]);
    expect(feature.sigma).toBeCloseTo(0.05 * stats.spread, 12);
    const batch = numericNoise(raw, [feature], 2, new Rng(2));
    expect(batch.raw.nRows).toBe(8000);
    let sum = 0;
    let sumSq = 0;
    let m = 0;
    let bad = 0;
    for (let k = 0; k < batch.raw.nRows; k++) {
      const i = batch.source[k]!;
      const x = raw.data[i * 3]!;
      const v = batch.raw.data[k * 3]!;
      if (!(v >= 0 && v <= 100) || batch.raw.data[k * 3 + 1] !== raw.data[i * 3 + 1] || batch.raw.data[k * 3 + 2] !== raw.data[i * 3 + 2]) bad++;
      // away from the bounds the noise is unclipped: its mean is 0 and its sd is σ
      if (x > 5 && x < 95) {
        sum += v - x;
        sumSq += (v - x) ** 2;
        m++;
      }
    }
    expect(bad).toBe(0);
    const sd = Math.sqrt(sumSq / m);
    expect(Math.abs(sum / m)).toBeLessThan((4 * feature.sigma) / Math.sqrt(m));
    expect(Math.abs(sd / feature.sigma - 1)).toBeLessThan(4 / Math.sqrt(2 * m));
  });

  it('rounds integer features and drops copies the rounding left unchanged', () => {
    const raw = rows(2000, 3);
    const stats = numericFeatureStats(raw, 1);
    expect(stats.integer).toBe(true);
    const small = numericNoise(raw, [noiseFeature(1, stats, 0.01, undefined)], 3, new Rng(4));
    const large = numericNoise(raw, [noiseFeature(1, stats, 0.5, undefined)], 3, new Rng(4));
    expect(small.raw.nRows).toBeLessThan(large.raw.nRows);
    for (const batch of [small, large]) {
      let bad = 0;
      for (let k = 0; k < batch.raw.nRows; k++) {
        const v = batch.raw.data[k * 3 + 1]!;
        if (!Number.isInteger(v) || v === raw.data[batch.source[k]! * 3 + 1] || v < stats.min || v > stats.max) bad++;
      }
      expect(bad).toBe(0);
    }
  });
});

describe('category swap', () => {
  it('replaces a category only by another member of its group and leaves other rows alone', () => {
    const raw = rows(500, 5);
    const groups = [[0, 1, 2], [3, 4]];
    const batch = categorySwap(raw, 2, [[0, 1, 2]], 10, new Rng(6));
    const inGroup = Array.from({ length: 500 }, (_, i) => raw.data[i * 3 + 2]!).filter((c) => c <= 2).length;
    expect(batch.raw.nRows).toBe(inGroup * 2);
    for (let k = 0; k < batch.raw.nRows; k++) {
      const before = raw.data[batch.source[k]! * 3 + 2]!;
      const after = batch.raw.data[k * 3 + 2]!;
      expect(after).not.toBe(before);
      expect(groups[0]).toContain(after);
      expect(groups[0]).toContain(before);
    }
    const capped = categorySwap(raw, 2, groups, 1, new Rng(6));
    expect(capped.raw.nRows).toBe(500);
  });
});

describe('DIR steps', () => {
  it('raise the value strictly, by declared amounts or by reference deciles', () => {
    const stats = numericFeatureStats({ data: Float64Array.from({ length: 101 }, (_, i) => i), nRows: 101, nFeatures: 1 }, 0);
    expect(raisedValues(10, stats, [5, 20])).toEqual([15, 30]);
    expect(raisedValues(10, stats, undefined)).toEqual([21, 31, 41]);
    expect(raisedValues(95, stats, undefined)).toEqual([100]);
    expect(raisedValues(100, stats, undefined)).toEqual([]);
  });
});
