import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { invertDense, solveDense, weightedLeastSquares } from './dense.js';

describe('solveDense (the one small dense solver)', () => {
  it('solves A x = b to round-off on random systems and leaves A and b untouched', () => {
    const rng = new Rng(4);
    for (const n of [1, 3, 12, 40]) {
      const a = Float64Array.from({ length: n * n }, () => rng.normal());
      const x = Float64Array.from({ length: n }, () => rng.normal());
      const b = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i]! += a[i * n + j]! * x[j]!;
      const [a0, b0] = [Float64Array.from(a), Float64Array.from(b)];
      const got = solveDense(a, b, n)!;
      got.forEach((v, i) => expect(Math.abs(v - x[i]!)).toBeLessThan(1e-9));
      expect(a).toEqual(a0);
      expect(b).toEqual(b0);
    }
  });
  it('returns undefined for a singular matrix, and inverts a regular one', () => {
    expect(solveDense(Float64Array.of(1, 2, 2, 4), Float64Array.of(1, 1), 2)).toBeUndefined();
    const inv = invertDense(Float64Array.of(4, 7, 2, 6), 2)!;
    [0.6, -0.7, -0.2, 0.4].forEach((v, i) => expect(inv[i]).toBeCloseTo(v, 14));
  });
  it('weighted least squares recovers exact coefficients of a noiseless linear model', () => {
    const rng = new Rng(5);
    const n = 50;
    const p = 3;
    const x = Float64Array.from({ length: n * p }, () => rng.normal());
    const beta = [1.5, -2, 0.25];
    const y = Float64Array.from({ length: n }, (_, i) => beta.reduce((a, b, j) => a + b * x[i * p + j]!, 0));
    const w = Float64Array.from({ length: n }, () => 0.1 + rng.next());
    weightedLeastSquares(x, y, w, n, p).beta.forEach((v, j) => expect(v).toBeCloseTo(beta[j]!, 10));
  });
});
