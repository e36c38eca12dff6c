import { describe, expect, it } from 'vitest';
import { chiSquaredSf, erfc } from '../../math/stats/index.js';
import { categoricalBins, numericBins } from './binning.js';
import { chiSquareHomogeneity, RARE_CELL } from './chi-square-test.js';
import { jensenShannonDistance } from './jensen-shannon.js';
import { populationStabilityIndex, PSI_EPSILON } from './psi.js';
import { wassersteinSorted } from './wasserstein.js';

const f = (...x: number[]): Float64Array => Float64Array.from(x);
const counts = (o: Record<string, number>): Map<string, number> => new Map(Object.entries(o));

describe('Wasserstein-1', () => {
  it('is the shift between a sample and its translate, and the mean distance to a point mass', () => {
    expect(wassersteinSorted(f(0, 1, 3), f(5, 6, 8))).toBeCloseTo(5, 14);
    expect(wassersteinSorted(f(0), f(1, 3))).toBeCloseTo(2, 14);
    expect(wassersteinSorted(f(1, 2, 3), f(1, 2, 3))).toBe(0);
  });

  it('is symmetric and obeys the triangle inequality', () => {
    const a = f(0, 0.5, 2, 7);
    const b = f(-1, 3, 4);
    const c = f(1, 1, 1.5, 2, 9);
    expect(wassersteinSorted(a, b)).toBeCloseTo(wassersteinSorted(b, a), 14);
    expect(wassersteinSorted(a, c)).toBeLessThanOrEqual(wassersteinSorted(a, b) + wassersteinSorted(b, c) + 1e-12);
  });
});

describe('PSI', () => {
  it('is 0 for equal proportions and matches the formula by hand', () => {
    expect(populationStabilityIndex(f(5, 5), f(50, 50))).toBe(0);
    expect(populationStabilityIndex(f(50, 50), f(90, 10))).toBeCloseTo(0.4 * Math.log(1.8) - 0.4 * Math.log(0.2), 12);
  });

  it('floors empty bins at the stated epsilon', () => {
    const expected = 2 * (1 - PSI_EPSILON) * Math.log(1 / PSI_EPSILON);
    expect(populationStabilityIndex(f(10, 0), f(0, 10))).toBeCloseTo(expected, 10);
  });
});

describe('Jensen–Shannon distance (base 2)', () => {
  it('is 0 for equal, 1 for disjoint histograms, symmetric, and matches a hand value', () => {
    expect(jensenShannonDistance(f(1, 3), f(2, 6))).toBe(0);
    expect(jensenShannonDistance(f(4, 0), f(0, 7))).toBeCloseTo(1, 14);
    const byHand = Math.sqrt((Math.log2(1 / 0.75) + 0.5 * Math.log2(0.5 / 0.75) + 0.5 * Math.log2(0.5 / 0.25)) / 2);
    expect(jensenShannonDistance(f(1, 0), f(1, 1))).toBeCloseTo(byHand, 14);
    expect(jensenShannonDistance(f(1, 1), f(1, 0))).toBeCloseTo(byHand, 14);
  });
});

describe('bins', () => {
  it('cuts numbers at the reference deciles and counts both samples on that grid', () => {
    const ref = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    const bins = numericBins(ref, f(0, 50, 50.5, 1000), { reference: 0, current: 0 });
    expect(bins.reference).toEqual(new Float64Array(10).fill(10));
    expect(Array.from(bins.current)).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
    expect(bins.labels[0]).toBe('≤ 10.9');
  });

  it('merges duplicate edges for discrete variables and gives missing values a bin', () => {
    const bins = numericBins(new Float64Array(10), f(1, 1), { reference: 0, current: 3 });
    expect(bins.labels).toEqual(['≤ 0', '> 0', '(missing)']);
    expect(Array.from(bins.current)).toEqual([0, 2, 3]);
    const cats = categoricalBins(counts({ b: 2, a: 1 }), counts({ c: 4 }), { reference: 0, current: 0 });
    expect(cats.labels).toEqual(['a', 'b', 'c']);
    expect(Array.from(cats.current)).toEqual([0, 0, 4]);
  });
});

describe('chi-square homogeneity test', () => {
  it('matches Pearson X² computed by hand on a 2 × 2 table', () => {
    // expected counts 40/60 in both rows: X² = 2·(100/40 + 100/60)
    const r = chiSquareHomogeneity(counts({ a: 30, b: 70 }), counts({ a: 50, b: 50 }));
    expect(r.statistic).toBeCloseTo(2 * (100 / 40 + 100 / 60), 12);
    expect(r.df).toBe(1);
    expect(r.pValue).toBeCloseTo(erfc(Math.sqrt(r.statistic / 2)), 12); // χ²₁ tail = erfc(√(x/2))
  });

  it('counts a category new in the current data as a cell, and pools rare categories', () => {
    const r = chiSquareHomogeneity(counts({ a: 100, b: 100 }), counts({ a: 80, b: 80, new: 40 }));
    expect(r.cells).toContain('new');
    expect(r.df).toBe(2);
    expect(r.pValue).toBeLessThan(1e-6);
    const pooled = chiSquareHomogeneity(counts({ a: 100, b: 100, r1: 2, r2: 2 }), counts({ a: 100, b: 100, r1: 3, r2: 2, r3: 3 }));
    expect(pooled.pooled).toEqual(['r1', 'r2', 'r3']);
    expect(pooled.cells).toEqual(['a', 'b', RARE_CELL]);
    expect(pooled.pValue).toBeCloseTo(chiSquaredSf(pooled.statistic, 2), 14);
    // still too rare when pooled: merged into the smallest remaining cell
    const merged = chiSquareHomogeneity(counts({ a: 100, b: 60, r1: 1 }), counts({ a: 100, b: 70, r2: 2 }));
    expect(merged.cells).toEqual(['a', `b + ${RARE_CELL}`]);
    expect(merged.df).toBe(1);
  });

  it('has p = 1 when the samples have identical proportions or a single category', () => {
    expect(chiSquareHomogeneity(counts({ a: 10, b: 30 }), counts({ a: 20, b: 60 })).pValue).toBeCloseTo(1, 12);
    expect(chiSquareHomogeneity(counts({ a: 10 }), counts({ a: 20 })).pValue).toBe(1);
  });
});
