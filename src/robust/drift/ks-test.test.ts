import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { kolmogorovSeries, kolmogorovSf } from './kolmogorov.js';
import { ksExactPValue } from './ks-exact.js';
import { ksStatisticSorted, ksTwoSample } from './ks-test.js';

/** Every way to interleave m reference and n current values on m + n distinct positions (bit i set = reference). */
function allArrangements(m: number, n: number): number[] {
  const out: number[] = [];
  for (let mask = 0; mask < 1 << (m + n); mask++) {
    let bits = 0;
    for (let x = mask; x; x &= x - 1) bits++;
    if (bits === m) out.push(mask);
  }
  return out;
}

function statisticOf(mask: number, m: number, n: number): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < m + n; i++) ((mask >> i) & 1 ? a : b).push(i);
  return ksStatisticSorted(Float64Array.from(a), Float64Array.from(b));
}

describe('two-sample KS statistic', () => {
  it('is the largest gap between the right-continuous empirical CDFs, ties stepped together', () => {
    expect(ksStatisticSorted(Float64Array.of(1, 1, 2), Float64Array.of(1, 2, 2))).toBeCloseTo(1 / 3, 15);
    expect(ksStatisticSorted(Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6))).toBe(1);
    expect(ksStatisticSorted(Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 3))).toBe(0);
    // F1 − F2 at 2: 2/4 − 0 = 0.5; at 3: 3/4 − 1/2; the maximum is 0.5
    expect(ksStatisticSorted(Float64Array.of(1, 2, 5, 6), Float64Array.of(3, 4))).toBe(0.5);
  });

  it('drops missing values and is symmetric in its two samples', () => {
    const a = ksTwoSample([3, Number.NaN, 1, 2], [2.5, 7, Number.NaN]);
    const b = ksTwoSample([2.5, 7], [1, 2, 3]);
    expect(a.n1).toBe(3);
    expect(a.statistic).toBe(b.statistic);
    expect(a.pValue).toBeCloseTo(b.pValue, 14);
  });
});

describe('exact KS p-value', () => {
  it.each([
    [3, 3],
    [4, 4],
    [3, 5],
    [4, 6],
    [5, 7],
    [6, 6],
  ])('equals the share of all %i + %i interleavings with D ≥ d (brute-force enumeration)', (m, n) => {
    const stats = allArrangements(m, n).map((mask) => statisticOf(mask, m, n));
    for (const d of new Set(stats.map((s) => Math.round(s * 1e9) / 1e9))) {
      const share = stats.filter((s) => s >= d - 1e-9).length / stats.length;
      expect(ksExactPValue(m, n, d)).toBeCloseTo(share, 12);
    }
  });

  it('gives hand-computable values: complete separation of 3 and 3 is 2 / C(6,3) = 0.1', () => {
    expect(ksTwoSample([1, 2, 3], [4, 5, 6]).pValue).toBeCloseTo(0.1, 14);
    expect(ksTwoSample([1, 2], [3, 4, 5]).pValue).toBeCloseTo(0.2, 14);
  });

  it("reproduces scipy.stats.ks_2samp's documented exact p-values", () => {
    // scipy ks_2samp docstring examples: sizes 100 and 110 with D = 60/110, sizes 105 and 95 with D = 0.10927318295739348
    expect(ksExactPValue(100, 110, 0.5454545454545454)).toBeCloseTo(7.37417839555191e-15, 26);
    expect(ksExactPValue(100, 110, 0.5454545454545454) / 7.37417839555191e-15).toBeCloseTo(1, 8);
    expect(ksExactPValue(105, 95, 0.10927318295739348)).toBeCloseTo(0.5438289009927495, 12);
  });

  it('is 1 at D = 0 and approaches the Kolmogorov limit for large samples', () => {
    expect(ksExactPValue(50, 60, 0)).toBe(1);
    const d = 0.06;
    const exact = ksExactPValue(1000, 1200, d);
    const limit = kolmogorovSf(Math.sqrt((1000 * 1200) / 2200) * d);
    expect(Math.abs(exact - limit)).toBeLessThan(0.01);
    expect(exact).toBeLessThanOrEqual(limit); // the limit is conservative at finite n
  });
});

describe('Kolmogorov distribution', () => {
  it('has the tabulated values of scipy.stats.kstwobign', () => {
    expect(kolmogorovSf(1)).toBeCloseTo(0.26999967167735456, 14);
    expect(kolmogorovSf(1.3580986393225507)).toBeCloseTo(0.05, 10); // the 5% critical value
    expect(kolmogorovSf(0)).toBe(1);
    expect(kolmogorovSf(10) / (2 * Math.exp(-200))).toBeCloseTo(1, 12); // the first term dominates far out
  });

  it('its two series agree where both converge', () => {
    for (let lambda = 0.3; lambda <= 3; lambda += 0.1) {
      expect(1 - kolmogorovSeries.thetaCdf(lambda)).toBeCloseTo(kolmogorovSeries.alternatingSf(lambda), 12);
    }
  });
});

describe("scipy's method='auto' rule", () => {
  it('is exact up to 10,000 values per sample and asymptotic above', () => {
    const rng = new Rng(1);
    const small = ksTwoSample(Array.from({ length: 300 }, () => rng.normal()), Array.from({ length: 10_000 }, () => rng.normal()));
    expect(small.method).toBe('exact');
    const large = ksTwoSample(Array.from({ length: 300 }, () => rng.normal()), Array.from({ length: 10_001 }, () => rng.normal()));
    expect(large.method).toBe('asymptotic');
    const forced = ksTwoSample([1, 2, 3, 4], [2.5, 6, 7], { method: 'asymptotic' });
    expect(forced.pValue).toBeCloseTo(kolmogorovSf(Math.sqrt(12 / 7) * forced.statistic), 15);
  });
});
