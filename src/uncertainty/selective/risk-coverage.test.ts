import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { optimalAurc, riskCoverage } from './risk-coverage.js';

describe('riskCoverage', () => {
  it('a perfect ranking reaches the minimal AURC, which matches its closed form and r + (1 − r)·ln(1 − r) for large n', () => {
    const n = 1000;
    const errors = 200;
    const correct = Array.from({ length: n }, (_, i) => (i < n - errors ? 1 : 0));
    const confidence = correct.map((c, i) => (c ? 1 - i / (10 * n) : 0.5 - i / (10 * n)));
    const rc = riskCoverage(confidence, correct);
    expect(rc.aurc).toBeCloseTo(optimalAurc(n, errors), 12);
    expect(rc.excessAurc).toBeCloseTo(0, 12);
    const r = errors / n;
    expect(rc.aurc!).toBeCloseTo(r + (1 - r) * Math.log(1 - r), 3);
    expect(rc.accuracyAtCoverage.map((a) => a.accuracy)).toEqual([1, 1 - 100 / 900, 1 - 150 / 950]);
    // the reversed ranking is the worst: every error first
    const worst = riskCoverage(confidence.map((c) => -c), correct);
    expect(worst.aurc!).toBeGreaterThan(rc.aurc!);
  });

  it('a constant confidence gives risk = error rate at every coverage; random rankings average to the error rate', () => {
    const rng = new Rng(4);
    const n = 400;
    const correct: number[] = Array.from({ length: n }, () => (rng.next() < 0.7 ? 1 : 0));
    const rate = 1 - correct.reduce((a, b) => a + b, 0) / n;
    const flat = riskCoverage(new Float64Array(n).fill(0.3), correct);
    for (const r of flat.risk) expect(r).toBeCloseTo(rate, 12);
    expect(flat.aurc).toBeCloseTo(rate, 12);
    const trials = 200;
    const values: number[] = [];
    for (let t = 0; t < trials; t++) values.push(riskCoverage(Float64Array.from({ length: n }, () => rng.next()), correct).aurc!);
    const mean = values.reduce((a, b) => a + b, 0) / trials;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (trials - 1));
    expect(Math.abs(mean - rate)).toBeLessThan((4 * sd) / Math.sqrt(trials));
  });

  it('hand-worked with ties: errors are spread evenly over a tied run, independent of row order', () => {
    // confidences .9 .9 .5 .5 .5 ; errors at rows 1 and 4
    const rc = riskCoverage([0.9, 0.9, 0.5, 0.5, 0.5], [1, 0, 1, 1, 0]);
    // cumulative errors: .5, 1, 1 + 1/3, 1 + 2/3, 2
    expect(rc.risk[0]).toBeCloseTo(0.5, 12);
    expect(rc.risk[1]).toBeCloseTo(0.5, 12);
    expect(rc.risk[2]).toBeCloseTo(4 / 9, 12);
    expect(rc.risk[3]).toBeCloseTo(5 / 12, 12);
    expect(rc.risk[4]).toBeCloseTo(2 / 5, 12);
    expect(rc.aurc).toBeCloseTo((0.5 + 0.5 + 4 / 9 + 5 / 12 + 0.4) / 5, 12);
    const permuted = riskCoverage([0.5, 0.9, 0.5, 0.9, 0.5], [0, 0, 1, 1, 1]);
    expect(permuted.aurc).toBeCloseTo(rc.aurc!, 12);
    expect(rc.accuracyAtCoverage[0]).toMatchObject({ coverage: 0.8, n: 4, threshold: 0.5 });
  });

  it('refuses mismatched lengths and NaN confidences', () => {
    expect(() => riskCoverage([0.1], [1, 0])).toThrow(/1 confidences but 2/);
    expect(() => riskCoverage([Number.NaN], [1])).toThrow(/row 0 is NaN/);
    expect(riskCoverage([], []).aurc).toBeNull();
  });
});
