import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { normalCdf, normalSf } from './stats/normal.js';
import { drawTruncatedNormal, truncatedNormalTables } from './truncated-normal.js';
import { UniformBlock } from './uniform-block.js';

/** CDF of the standard normal truncated to [a, z], computed in the tail where it is precise. */
function truncatedCdf(t: number, a: number, z: number): number {
  if (a > 0) return (normalSf(a) - normalSf(t)) / (normalSf(a) - normalSf(z));
  return (normalCdf(t) - normalCdf(a)) / (normalCdf(z) - normalCdf(a));
}

const density = (t: number): number => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);

describe('drawTruncatedNormal', () => {
  const cases: [number, number][] = [
    [-2.33, 0.84], // a wide quartile bin
    [-1e11, 0], // a bin whose values all sit on its upper border (std ≈ 1e-11): a half normal
    [0.5, 4], // above the mean
    [4, 9], // far in the upper tail
    [-9, -5.5], // far in the lower tail
    [0.1, 0.12], // narrow
  ];
  const tables = truncatedNormalTables(cases);
  for (const [i, [a, z]] of cases.entries()) {
    it(`samples N(0,1) truncated to [${a}, ${z}]: inside the bounds, KS distance and mean within their sampling error`, () => {
      const n = 40_000;
      const u = new UniformBlock(n, new Rng(i + 1)).fill();
      const stream = new UniformBlock(256, new Rng(100 + i));
      const draws = Float64Array.from(u, (v) => drawTruncatedNormal(tables, i, v, stream)).sort();
      expect(draws[0]!).toBeGreaterThanOrEqual(a);
      expect(draws[n - 1]!).toBeLessThanOrEqual(z);
      let ks = 0;
      for (let k = 0; k < n; k++) {
        const c = truncatedCdf(draws[k]!, a, z);
        ks = Math.max(ks, Math.abs(c - k / n), Math.abs(c - (k + 1) / n));
      }
      expect(ks).toBeLessThan(1.95 / Math.sqrt(n)); // KS 0.001 critical value
      // E = (φ(a) − φ(z)) / P, Var = 1 + (aφ(a) − zφ(z)) / P − E²
      const p = a > 0 ? normalSf(a) - normalSf(z) : normalCdf(z) - normalCdf(a);
      const phiA = Number.isFinite(a) && Math.abs(a) < 40 ? density(a) : 0;
      const mean = (phiA - density(z)) / p;
      const variance = 1 + ((Math.abs(a) < 40 ? a * phiA : 0) - z * density(z)) / p - mean * mean;
      const sampleMean = draws.reduce((s, v) => s + v, 0) / n;
      expect(Math.abs(sampleMean - mean)).toBeLessThan(4 * Math.sqrt(variance / n) + 1e-12);
    });
  }

  it('rejects an empty interval', () => {
    expect(() => truncatedNormalTables([[1, 1]])).toThrow(/low < high/);
  });
});
