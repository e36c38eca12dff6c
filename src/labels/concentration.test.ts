import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { issueConcentration } from './concentration.js';

describe('issueConcentration', () => {
  // 2000 rows: a numeric feature uniform on [0, 100) and a category in {a, b, c, d}; flagged rows are
  // 20 % of category "c" and 2 % elsewhere, independent of the numeric feature.
  const rng = new Rng(7);
  const n = 2000;
  const data = new Float64Array(n * 2);
  const isIssue = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    data[i * 2] = 100 * rng.next();
    data[i * 2 + 1] = rng.int(4);
    isIssue[i] = rng.next() < (data[i * 2 + 1] === 2 ? 0.2 : 0.02) ? 1 : 0;
  }
  const features = [
    { name: 'age', type: 'numeric' as const },
    { name: 'group', type: 'categorical' as const, categories: ['a', 'b', 'c', 'd'] },
  ];
  const result = issueConcentration({ data, nRows: n, nFeatures: 2 }, features, isIssue);

  it('puts the planted category first, significant after FDR control, with an interval around its rate', () => {
    const top = result[0]!;
    expect(top.description).toBe('group = c');
    expect(top.qValue).toBeLessThan(1e-6);
    expect(top.interval.low).toBeLessThan(0.2);
    expect(top.interval.high).toBeGreaterThan(0.2);
    expect(top.interval.method).toBe('wilson');
    expect(top.lift).toBeGreaterThan(2);
  });

  it('finds no numeric bin significant when issues do not depend on it', () => {
    for (const bin of result.filter((r) => r.feature === 'age')) expect(bin.qValue).toBeGreaterThan(0.05);
  });

  it('bins every row of a numeric feature exactly once', () => {
    const bins = result.filter((r) => r.feature === 'age');
    expect(bins.length).toBe(5);
    expect(bins.reduce((s, b) => s + b.n, 0)).toBe(n);
    expect(bins.reduce((s, b) => s + b.issues, 0)).toBe(isIssue.reduce((s, v) => s + v, 0));
  });

  it('refuses a mask of the wrong length', () => {
    expect(() => issueConcentration({ data, nRows: n, nFeatures: 2 }, features, new Uint8Array(3))).toThrow(/mask of 3 rows/);
  });
});
