import { describe, expect, it } from 'vitest';
import { normalCdf } from '../../math/stats/normal.js';
import { Rng } from '../../rng.js';
import { rawMatrix, tinyEncoder } from '../../../test/conformance/fixtures.js';
import { chunkStreams, explainedValues, sampleRow, samplingPlan } from './sampler.js';
import { searchLeft, tabularStats } from './tabular-stats.js';

function fixture() {
  const encoder = tinyEncoder([
    { name: 'amount', type: 'numeric' },
    { name: 'rate', type: 'numeric' },
    { name: 'colour', type: 'categorical', categories: ['red', 'green', 'blue'] },
  ]);
  const rng = new Rng(5);
  // amount: skewed continuous; rate: integers 1–4 (one-value bins); colour: unequal frequencies
  const rows = Array.from({ length: 600 }, () => [Math.exp(rng.normal()), 1 + rng.int(4), rng.next() < 0.6 ? 0 : rng.next() < 0.7 ? 1 : 2]);
  const train = rawMatrix(rows);
  return { stats: tabularStats(train, encoder.features, 'quartile'), train };
}

function draw(x: number[], n: number, seed: number) {
  const { stats } = fixture();
  const plan = samplingPlan(stats, false);
  const raw = new Float64Array(n * 3);
  const masks = new Int32Array(n);
  const xs = Float64Array.from(x);
  sampleRow(plan, explainedValues(plan, stats, xs), xs, seed, n, raw, masks, 1, chunkStreams(n));
  return { stats, raw, masks };
}

/** The sampling representation of raw value v of feature j: its quartile bin, or the category. */
function binOf(stats: ReturnType<typeof fixture>['stats'], j: number, v: number): number {
  const borders = stats.borders[j];
  return borders ? searchLeft(borders, v) : v;
}

describe('sampleDiscretized (lime tabular sampling)', () => {
  const x = [2.5, 3, 2];
  const n = 40_000;
  const { stats, raw, masks } = draw(x, n, 1);

  it('keeps x as row 0 with an all-ones interpretable row, and sets bit j exactly when the value falls in x’s bin or category', () => {
    expect(Array.from(raw.subarray(0, 3))).toEqual(x);
    expect(masks[0]).toBe(0b111);
    let wrong = 0;
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < 3; j++) {
        const same = binOf(stats, j, raw[i * 3 + j]!) === binOf(stats, j, x[j]!);
        if (same !== (((masks[i]! >>> j) & 1) === 1)) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it('draws bins and categories with their training frequencies (χ²)', () => {
    for (let j = 0; j < 3; j++) {
      const values = stats.values[j]!;
      const cum = stats.cumFreq[j]!;
      const counts = new Float64Array(values.length);
      for (let i = 1; i < n; i++) counts[values.indexOf(binOf(stats, j, raw[i * 3 + j]!))]! += 1;
      let chi2 = 0;
      for (let k = 0; k < values.length; k++) {
        const e = (n - 1) * (cum[k]! - (k === 0 ? 0 : cum[k - 1]!));
        chi2 += (counts[k]! - e) ** 2 / e;
      }
      expect(chi2).toBeLessThan(16.3); // χ²(3) 0.999 quantile (at most 4 cells)
    }
  });

  it('draws a continuous bin from the normal(bin mean, bin std) truncated to the bin (KS)', () => {
    const j = 0;
    for (let b = 0; b < stats.borders[j]!.length + 1; b++) {
      const lo = stats.binMin[j]![b]!;
      const hi = stats.binMax[j]![b]!;
      const mean = stats.binMean[j]![b]!;
      const std = stats.binStd[j]![b]!;
      const v: number[] = [];
      for (let i = 1; i < n; i++) if (binOf(stats, j, raw[i * 3 + j]!) === b) v.push(raw[i * 3 + j]!);
      v.sort((p, q) => p - q);
      expect(v[0]!).toBeGreaterThanOrEqual(lo);
      expect(v[v.length - 1]!).toBeLessThanOrEqual(hi);
      const pa = normalCdf((lo - mean) / std);
      const pz = normalCdf((hi - mean) / std);
      let ks = 0;
      v.forEach((t, k) => {
        const c = (normalCdf((t - mean) / std) - pa) / (pz - pa);
        ks = Math.max(ks, Math.abs(c - k / v.length), Math.abs(c - (k + 1) / v.length));
      });
      expect(ks).toBeLessThan(1.95 / Math.sqrt(v.length));
    }
  });

  it('is deterministic for a seed and changes with it', () => {
    const again = draw(x, 500, 1);
    const first = draw(x, 500, 1);
    const other = draw(x, 500, 2);
    expect(Array.from(again.raw)).toEqual(Array.from(first.raw));
    expect(Array.from(again.masks)).toEqual(Array.from(first.masks));
    expect(Array.from(other.raw)).not.toEqual(Array.from(first.raw));
  });
});
