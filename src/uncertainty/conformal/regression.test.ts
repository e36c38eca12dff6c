import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { conformalRank } from './quantile.js';
import { absoluteResidualIntervals, cqrIntervals, intervalCoverage } from './regression.js';

/**
 * Heteroscedastic generator: x ~ U(0, 1), y = sin(2πx) + (0.1 + x)·ε with ε ~ N(0, 1). The point model is
 * the true mean; the quantile model has the right shape but bands too narrow by 40%, as a badly fitted
 * quantile regressor would have. The 5% and 95% true quantiles are sin(2πx) ∓ 1.645·(0.1 + x).
 */
function draw(rng: Rng, n: number): { x: Float64Array; y: Float64Array; mean: Float64Array; lower: Float64Array; upper: Float64Array } {
  const x = Float64Array.from({ length: n }, () => rng.next());
  const mean = x.map((v) => Math.sin(2 * Math.PI * v));
  const y = mean.map((m, i) => m + (0.1 + x[i]!) * rng.normal());
  const half = x.map((v) => 0.6 * 1.645 * (0.1 + v));
  return { x, y, mean, lower: mean.map((m, i) => m - half[i]!), upper: mean.map((m, i) => m + half[i]!) };
}

describe('conformal regression intervals', () => {
  const alpha = 0.1;
  const nCal = 200;
  const trials = 300;

  function simulate(kind: 'residual' | 'cqr'): { mean: number; se: number; narrowWidth: number; wideWidth: number } {
    const rng = new Rng(kind === 'cqr' ? 7 : 8);
    const values: number[] = [];
    let narrowWidth = 0;
    let wideWidth = 0;
    for (let t = 0; t < trials; t++) {
      const cal = draw(rng, nCal);
      const test = draw(rng, 200);
      const intervals = kind === 'residual'
        ? absoluteResidualIntervals({ predictions: cal.mean, targets: cal.y }, test.mean, alpha)
        : cqrIntervals({ lower: cal.lower, upper: cal.upper, targets: cal.y }, { lower: test.lower, upper: test.upper }, alpha);
      values.push(intervalCoverage(intervals, test.y).coverage!);
      for (let i = 0; i < 200; i++) {
        const w = intervals.upper[i]! - intervals.lower[i]!;
        if (test.x[i]! < 0.2) narrowWidth += w;
        if (test.x[i]! > 0.8) wideWidth += w;
      }
    }
    const mean = values.reduce((a, b) => a + b, 0) / trials;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (trials - 1));
    return { mean, se: sd / Math.sqrt(trials), narrowWidth, wideWidth };
  }

  it.each(['residual', 'cqr'] as const)('%s: 1 − α ≤ mean coverage ≤ 1 − α + 1/(n+1) on a heteroscedastic generator', (kind) => {
    const { mean, se } = simulate(kind);
    expect(mean).toBeGreaterThanOrEqual(1 - alpha - 4 * se);
    expect(mean).toBeLessThanOrEqual(1 - alpha + 1 / (nCal + 1) + 4 * se);
    expect(Math.abs(mean - conformalRank(nCal, alpha) / (nCal + 1))).toBeLessThan(4 * se);
  });

  it('CQR widens the too-narrow quantile band and keeps its shape: wide where the noise is, narrow where it is not', () => {
    const cqr = simulate('cqr');
    const residual = simulate('residual');
    expect(cqr.wideWidth / cqr.narrowWidth).toBeGreaterThan(2); // q̂ is added to both ends, so the ratio shrinks from the band's ~4.6
    expect(residual.wideWidth / residual.narrowWidth).toBeCloseTo(1, 1); // constant width ŷ ± q̂
  });

  it('hand-worked: q̂ of |y − ŷ| and of max(lo − y, y − hi); +∞ with too few rows', () => {
    const r = absoluteResidualIntervals({ predictions: [0, 0, 0, 0], targets: [1, -2, 0.5, 3] }, [10], 0.4);
    // |residuals| 1 2 0.5 3 → ⌈5·0.6⌉ = 3rd smallest = 2
    expect([r.threshold.qhat, r.lower[0], r.upper[0]]).toEqual([2, 8, 12]);
    const c = cqrIntervals({ lower: [0, 0, 0, 0], upper: [1, 1, 1, 1], targets: [0.5, 2, -1, 0.25] }, { lower: [5], upper: [6] }, 0.4);
    // scores max(lo − y, y − hi): −0.5, 1, 1, −0.25 → sorted −0.5 −0.25 1 1 → 3rd = 1
    expect([c.threshold.qhat, c.lower[0], c.upper[0]]).toEqual([1, 4, 7]);
    const tight = cqrIntervals({ lower: [0, 0, 0, 0], upper: [4, 4, 4, 4], targets: [2, 2, 2, 2] }, { lower: [0], upper: [4] }, 0.4);
    expect([tight.threshold.qhat, tight.lower[0], tight.upper[0]]).toEqual([-2, 2, 2]); // bands too wide shrink
    expect(absoluteResidualIntervals({ predictions: [0], targets: [1] }, [0], 0.4).upper[0]).toBe(Number.POSITIVE_INFINITY);
  });
});
