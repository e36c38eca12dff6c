import { describe, expect, it } from 'vitest';
import { brierScoreMulticlass } from '../../math/metrics/brier.js';
import { logLoss } from '../../math/metrics/log-loss.js';
import { equalWidthEdges } from './bins.js';
import { metricInterval } from './metric-intervals.js';
import { allRows, calibrationMetrics, calibrationRows } from './metrics.js';
import { checkProbabilities, topLabel } from './probabilities.js';
import { calibratedSample } from '../../../test/support/calibrated-sample.js';
import { calibrationReport } from './report.js';

/** Σ_b (n_b/n)·z·sqrt(conf_b(1 − conf_b)/n_b): the ECE a calibrated model stays under with overwhelming probability. */
function binomialEceBound(bins: readonly { count: number; meanConfidence: number | null }[], n: number, z = 4): number {
  return bins.reduce((s, b) => (b.count > 0 ? s + (b.count / n) * z * Math.sqrt((b.meanConfidence! * (1 - b.meanConfidence!)) / b.count) : s), 0);
}

describe('calibration metrics', () => {
  it('computes ECE, MCE, Brier and NLL by hand on four rows', () => {
    // confidences 0.9 (right), 0.9 (wrong), 0.6 (right), 0.55 (wrong); 15 bins: 0.9 → bin 13, 0.6 → bin 8 (upper edge inclusive), 0.55 → bin 8
    const p = [0.9, 0.1, 0.1, 0.9, 0.6, 0.4, 0.45, 0.55];
    const m = calibrationMetrics(checkProbabilities(p, [0, 0, 0, 0], 2));
    expect(m.accuracy).toBe(0.5);
    expect(m.bins[13]!.count).toBe(2);
    expect(m.bins[8]!.count).toBe(2);
    // bin 13: acc 0.5, conf 0.9 → 0.4; bin 8: acc 0.5, conf 0.575 → 0.075
    expect(m.ece).toBeCloseTo(0.5 * 0.4 + 0.5 * 0.075, 14);
    expect(m.mce).toBeCloseTo(0.4, 14);
    expect(m.brier).toBeCloseTo((0.02 + 2 * 0.81 + 0.32 + 2 * 0.55 ** 2) / 4, 14);
    expect(m.brierTopLabel).toBeCloseTo((0.01 + 0.81 + 0.16 + 0.55 ** 2) / 4, 14);
    expect(m.nll).toBeCloseTo(-(Math.log(0.9) + Math.log(0.1) + Math.log(0.6) + Math.log(0.45)) / 4, 14);
    expect(m.bins[0]).toEqual({ lower: 0, upper: 1 / 15, count: 0, accuracy: null, meanConfidence: null, gap: null });
  });

  it('puts a confidence equal to an edge in the bin it closes: (lower, upper]', () => {
    const edges = equalWidthEdges(15);
    const c = edges[9]!; // 0.6
    const m = calibrationMetrics(checkProbabilities([c, 1 - c], [0], 2));
    expect(m.bins.findIndex((b) => b.count === 1)).toBe(8);
  });

  it('agrees with the generic multiclass Brier score and log loss', () => {
    const s = calibratedSample(500, 4, 1);
    const m = calibrationMetrics(checkProbabilities(s.probabilities, s.labels, 4));
    expect(m.brier).toBeCloseTo(brierScoreMulticlass(s.labels, s.probabilities), 12);
    expect(m.nll).toBeCloseTo(logLoss(s.labels, s.probabilities), 10);
  });

  it('gives a perfectly calibrated sampler an ECE within the binomial tolerance, shrinking with n', () => {
    let previous = Infinity;
    for (const n of [2000, 20000]) {
      const s = calibratedSample(n, 3, 2);
      const m = calibrationMetrics(checkProbabilities(s.probabilities, s.labels, 3));
      expect(m.ece).toBeLessThan(binomialEceBound(m.bins, n));
      expect(m.classwiseEce).toBeLessThan(binomialEceBound(m.bins, n));
      expect(m.ece).toBeLessThan(previous);
      previous = m.ece;
    }
    expect(previous).toBeLessThan(0.015);
  });

  it('measures a planted over-confidence: claims 0.9, right 70% of the time → ECE ≈ 0.2', () => {
    const n = 4000;
    const p: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      p.push(0.9, 0.1);
      y.push(i % 10 < 7 ? 0 : 1);
    }
    const m = calibrationMetrics(checkProbabilities(p, y, 2));
    expect(m.ece).toBeCloseTo(0.2, 12);
    expect(m.mce).toBeCloseTo(0.2, 12);
    expect(m.bins[13]!.gap).toBeCloseTo(0.2, 12);
  });

  it('equal-mass bins hold n/bins rows each when confidences are distinct', () => {
    const s = calibratedSample(1500, 3, 3);
    const m = calibrationMetrics(checkProbabilities(s.probabilities, s.labels, 3), { binning: 'equal-mass', bins: 10 });
    expect(m.bins.map((b) => b.count)).toEqual(Array(10).fill(150));
    expect(m.binning).toBe('equal-mass');
  });

  it('does not depend on row order', () => {
    const s = calibratedSample(300, 3, 4);
    const order = Int32Array.from({ length: 300 }, (_, i) => (i * 7) % 300);
    const shuffled = checkProbabilities(Float64Array.from({ length: 900 }, (_, j) => s.probabilities[order[Math.floor(j / 3)]! * 3 + (j % 3)]!), Int32Array.from(order, (i) => s.labels[i]!), 3);
    const a = calibrationMetrics(checkProbabilities(s.probabilities, s.labels, 3));
    const b = calibrationMetrics(shuffled);
    for (const key of ['ece', 'mce', 'classwiseEce', 'brier', 'nll'] as const) expect(b[key]).toBeCloseTo(a[key], 12);
  });

  it('bootstrap intervals are seeded, bracket the estimate and say their method', () => {
    const s = calibratedSample(400, 3, 5);
    const input = checkProbabilities(s.probabilities, s.labels, 3);
    const a = calibrationReport(input, { seed: 7, iterations: 300 });
    const b = calibrationReport(input, { seed: 7, iterations: 300 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    for (const key of ['accuracy', 'brier', 'nll', 'brierTopLabel'] as const) {
      expect(a.intervals[key].low).toBeLessThanOrEqual(a[key]);
      expect(a.intervals[key].high).toBeGreaterThanOrEqual(a[key]);
    }
    expect(a.intervals.ece.method).toMatch(/^bootstrap-bc/);
  });

  it('the accuracy interval covers the true accuracy about 95% of the time', () => {
    // true accuracy of a calibrated sampler = E[max p]; estimate it on a large sample
    const big = calibratedSample(200000, 3, 99);
    const truth = topLabel(big.probabilities, 200000, 3).confidence.reduce((a, b) => a + b, 0) / 200000;
    let covered = 0;
    const trials = 60;
    for (let t = 0; t < trials; t++) {
      const s = calibratedSample(200, 3, 1000 + t);
      const r = calibrationRows(checkProbabilities(s.probabilities, s.labels, 3));
      const iv = metricInterval(r, allRows(200), 'accuracy', { seed: t, iterations: 200 });
      if (iv.low <= truth && truth <= iv.high) covered++;
    }
    // binomial(60, 0.95): fewer than 51 covered has probability < 0.5%
    expect(covered).toBeGreaterThanOrEqual(51);
  });

  it('refuses rows that are not distributions and labels out of range, naming the row', () => {
    expect(() => checkProbabilities([0.5, 0.6], [0], 2)).toThrow(/row 0 sums to 1.1/);
    expect(() => checkProbabilities([0.5, 0.5, 0.2, 0.8], [0, 2], 2)).toThrow(/row 1 holds 2/);
    expect(() => checkProbabilities([2, -1], [0], 2)).toThrow(/not a probability/);
    expect(() => checkProbabilities([0.5, 0.5, 0.5], [0, 1], 2)).toThrow(/do not form 2 rows/);
  });
});
