import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import {
  benjaminiHochberg,
  bootstrapInterval,
  chiSquaredCdf,
  normalCdf,
  normalQuantile,
  permutationTest,
  quantiles,
  studentTCdf,
  summarize,
  twoProportionZTest,
  welchTTest,
  wilsonInterval,
} from './index.js';

/** Simpson integration of the t density, an independent check of the incomplete-beta route. */
function tCdfByIntegration(t: number, df: number): number {
  const logC = logGammaRef((df + 1) / 2) - logGammaRef(df / 2) - 0.5 * Math.log(df * Math.PI);
  const f = (x: number): number => Math.exp(logC - ((df + 1) / 2) * Math.log1p((x * x) / df));
  const steps = 20000;
  const h = Math.abs(t) / steps;
  let s = f(0) + f(Math.abs(t));
  for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  const half = (s * h) / 3;
  return t >= 0 ? 0.5 + half : 0.5 - half;
}
function logGammaRef(x: number): number {
  // Stirling series with shift, independent of the Lanczos implementation.
  let shift = 0;
  let z = x;
  while (z < 10) shift -= Math.log(z++);
  return shift + (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z) - 1 / (360 * z ** 3) + 1 / (1260 * z ** 5);
}

describe('distributions', () => {
  it('normal quantile (AS241) agrees with known values and inverts the CDF', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12);
    for (const p of [1e-300, 1e-12, 1e-4, 0.03, 0.3, 0.6, 0.97, 1 - 1e-10]) {
      expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 12);
    }
    expect(() => normalQuantile(1.5)).toThrow(/probability/);
  });
  it('t CDF matches closed forms (df 1, 2) and numerical integration', () => {
    for (const t of [-3, -0.4, 0, 1.2, 5]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
      expect(studentTCdf(t, 5.88)).toBeCloseTo(tCdfByIntegration(t, 5.88), 10);
    }
  });
  it('χ² CDF matches the df = 2 closed form', () => {
    for (const x of [0.1, 1, 4, 20]) expect(chiSquaredCdf(x, 2)).toBeCloseTo(1 - Math.exp(-x / 2), 14);
  });
});

describe('intervals and tests', () => {
  it('Wilson interval: statsmodels value, contains p̂, NaN for n = 0', () => {
    const ci = wilsonInterval(3, 10);
    expect(ci.low).toBeCloseTo(0.10779126740630102, 12);
    expect(ci.high).toBeCloseTo(0.6032218525388546, 12);
    expect(wilsonInterval(0, 20).low).toBe(0);
    expect(wilsonInterval(0, 0).low).toBeNaN();
  });
  it('two-proportion z-test: hand-computed case and symmetry', () => {
    const r = twoProportionZTest(15, 50, 5, 50);
    expect(r.statistic).toBeCloseTo(2.5, 12);
    expect(r.pValue).toBeCloseTo(2 * (1 - normalCdf(2.5)), 14);
    expect(twoProportionZTest(5, 50, 15, 50).pValue).toBeCloseTo(r.pValue, 15);
    expect(twoProportionZTest(15, 50, 5, 50, 'greater').pValue).toBeCloseTo(r.pValue / 2, 14);
    expect(twoProportionZTest(0, 10, 0, 30).pValue).toBe(1);
  });
  it('Welch t-test: statistic and Welch–Satterthwaite df by hand', () => {
    const a = summarize(Float64Array.from([1, 2, 3, 4, 5]));
    const b = summarize(Float64Array.from([2, 4, 6, 8, 10]));
    const r = welchTTest(a, b);
    expect(r.statistic).toBeCloseTo(-3 / Math.sqrt(2.5), 14);
    expect(r.df).toBeCloseTo(6.25 / 1.0625, 12);
    expect(r.pValue).toBeCloseTo(2 * tCdfByIntegration(r.statistic, r.df!), 9);
    expect(welchTTest(b, a, 'greater').pValue).toBeCloseTo(r.pValue / 2, 13);
  });
  it('permutation test converges to the exact enumeration p and is seed-deterministic', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const mask = Uint8Array.from([0, 0, 0, 1, 1, 1]);
    const stat = (m: Uint8Array): number => summarize(values, m, 1).mean - summarize(values, m, 0).mean;
    const r = permutationTest(mask, stat, { iterations: 20000, seed: 3, alternative: 'greater' });
    expect(Math.abs(r.pValue - 1 / 20)).toBeLessThan(0.006);
    expect(permutationTest(mask, stat, { iterations: 200, seed: 9 }).pValue).toBe(permutationTest(mask, stat, { iterations: 200, seed: 9 }).pValue);
  });
  it('percentile bootstrap of a mean has the normal-theory width and is deterministic', () => {
    const rng = new Rng(1);
    const x = Float64Array.from({ length: 400 }, () => rng.normal());
    const mean = (idx: Int32Array): number => {
      let s = 0;
      for (let i = 0; i < idx.length; i++) s += x[idx[i]!]!;
      return s / idx.length;
    };
    const ci = bootstrapInterval(400, mean, { seed: 5, iterations: 2000 });
    const sd = Math.sqrt(summarize(x).variance);
    expect((ci.high - ci.low) / ((2 * 1.96 * sd) / 20)).toBeGreaterThan(0.85);
    expect((ci.high - ci.low) / ((2 * 1.96 * sd) / 20)).toBeLessThan(1.15);
    expect(bootstrapInterval(400, mean, { seed: 5, iterations: 50 })).toEqual(bootstrapInterval(400, mean, { seed: 5, iterations: 50 }));
  });
  it('Benjamini–Hochberg equals R p.adjust on hand cases; q ≥ p and monotone', () => {
    expect(Array.from(benjaminiHochberg([0.01, 0.04, 0.03, 0.005]))).toEqual([0.02, 0.04, 0.04, 0.02]);
    expect(Array.from(benjaminiHochberg([0.01, 0.02, 0.03, 0.04, 0.05])).map((v) => +v.toFixed(12))).toEqual([0.05, 0.05, 0.05, 0.05, 0.05]);
    const q = benjaminiHochberg([0.2, Number.NaN, 0.9]);
    expect(q[1]).toBeNaN();
    expect(q[0]).toBeCloseTo(0.4, 15);
    const rng = new Rng(2);
    const p = Float64Array.from({ length: 50 }, () => rng.next() ** 3);
    const qs = benjaminiHochberg(p);
    for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) if (p[i]! <= p[j]!) expect(qs[i]!).toBeLessThanOrEqual(qs[j]!);
    for (let i = 0; i < 50; i++) expect(qs[i]!).toBeGreaterThanOrEqual(p[i]!);
  });
  it('type-7 quantiles', () => {
    expect(quantiles([1, 2, 3, 4, Number.NaN], [0, 0.25, 0.5, 1])).toEqual([1, 1.75, 2.5, 4]);
  });
});
