import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { l1Path, type L1Path } from './l1-path.js';

function data(n: number, d: number, seed: number, family: 'binomial' | 'gaussian'): { x: Float64Array; y: Float64Array } {
  const rng = new Rng(seed);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  const truth = Float64Array.from({ length: d }, (_, j) => (j < 3 ? [1.5, -1, 0.5][j]! : 0));
  for (let i = 0; i < n; i++) {
    let eta = 0.3;
    for (let j = 0; j < d; j++) {
      // correlated columns: x_j shares a common factor, scales differ
      const v = (rng.normal() + 0.5 * (j > 0 ? x[i * d + j - 1]! / (j + 0.5) : 0)) * (j + 1);
      x[i * d + j] = v;
      eta += (truth[j]! * v) / (j + 1);
    }
    y[i] = family === 'gaussian' ? eta + 0.5 * rng.normal() : rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { x, y };
}

/** Gradient of the smooth part with respect to the standardised coefficients: (1/n) Σ x̃ᵢⱼ (yᵢ − μᵢ). */
function gradients(path: L1Path, x: Float64Array, y: Float64Array, k: number): { g: Float64Array; interceptGradient: number } {
  const { n, d } = path;
  const g = new Float64Array(d);
  let g0 = 0;
  for (let i = 0; i < n; i++) {
    let eta = path.intercepts[k]!;
    for (let j = 0; j < d; j++) eta += path.coefficients[k * d + j]! * x[i * d + j]!;
    const mu = path.family === 'binomial' ? 1 / (1 + Math.exp(-eta)) : eta;
    g0 += (y[i]! - mu) / n;
    for (let j = 0; j < d; j++) g[j]! += (((x[i * d + j]! - path.mean[j]!) / path.scale[j]!) * (y[i]! - mu)) / n;
  }
  return { g, interceptGradient: g0 };
}

describe('l1Path (glmnet-style lasso path)', () => {
  for (const family of ['gaussian', 'binomial'] as const) {
    it(`${family}: every coefficient is zero at λ_max and the KKT conditions hold at each λ`, () => {
      const n = 600;
      const d = 8;
      const { x, y } = data(n, d, family === 'gaussian' ? 1 : 2, family);
      const path = l1Path(x, n, d, y, family, { lambdas: 20 });
      expect(path.converged).toBe(true);
      expect(Array.from(path.standardized.subarray(0, d)).every((b) => b === 0)).toBe(true);
      // just below λ_max something enters
      expect(Array.from(path.standardized.subarray(d, 2 * d)).some((b) => b !== 0)).toBe(true);
      for (let k = 0; k < path.lambdas.length; k++) {
        const lambda = path.lambdas[k]!;
        const { g, interceptGradient } = gradients(path, x, y, k);
        expect(Math.abs(interceptGradient)).toBeLessThan(1e-5);
        for (let j = 0; j < d; j++) {
          const b = path.standardized[k * d + j]!;
          if (b === 0) expect(Math.abs(g[j]!)).toBeLessThanOrEqual(lambda + 1e-5);
          else expect(Math.abs(g[j]! - lambda * Math.sign(b))).toBeLessThan(1e-5);
        }
      }
      // sparsity decreases along the path and the irrelevant features enter late
      const nonzero = (k: number): number => Array.from(path.standardized.subarray(k * d, (k + 1) * d)).filter((b) => b !== 0).length;
      expect(nonzero(path.lambdas.length - 1)).toBeGreaterThanOrEqual(nonzero(3));
      const firstIn = Array.from({ length: d }, (_, j) => path.lambdas.findIndex((_, k) => path.standardized[k * d + j] !== 0));
      expect(Math.max(firstIn[0]!, firstIn[1]!)).toBeLessThan(Math.min(...firstIn.slice(3).map((v) => (v < 0 ? Infinity : v))));
    });
  }

  it('one gaussian feature: the closed form S(⟨x̃, y⟩/n, λ)', () => {
    const n = 200;
    const { x, y } = data(n, 1, 3, 'gaussian');
    const path = l1Path(x, n, 1, y, 'gaussian', { lambdas: 10 });
    const ybar = y.reduce((s, v) => s + v, 0) / n;
    let xy = 0;
    for (let i = 0; i < n; i++) xy += ((x[i]! - path.mean[0]!) / path.scale[0]!) * (y[i]! - ybar);
    xy /= n;
    path.lambdas.forEach((lambda, k) => expect(path.standardized[k]).toBeCloseTo(Math.sign(xy) * Math.max(Math.abs(xy) - lambda, 0), 8));
  });

  it('refuses one-class binomial targets and mismatched shapes', () => {
    expect(() => l1Path(Float64Array.of(1, 2, 3), 3, 1, [1, 1, 1], 'binomial')).toThrow(/both 0 and 1/);
    expect(() => l1Path(Float64Array.of(1, 2, 3), 2, 1, [1, 0], 'binomial')).toThrow(/do not form/);
  });
});
