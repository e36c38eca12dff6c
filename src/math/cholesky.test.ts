import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { choleskyFactor, choleskySolve } from './cholesky.js';
import { solveDense } from './dense.js';

/** A random symmetric positive-definite matrix BᵀB + n·I. */
function spd(n: number, rng: Rng): Float64Array {
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? n : 0;
    for (let k = 0; k < n; k++) s += b[k * n + i]! * b[k * n + j]!;
    a[i * n + j] = s;
  }
  return a;
}

describe('Cholesky factorisation (symmetric positive-definite systems)', () => {
  it('reconstructs A = L·Lᵀ and solves like Gaussian elimination', () => {
    const rng = new Rng(11);
    for (const n of [1, 4, 13, 37]) {
      const a = spd(n, rng);
      const l = choleskyFactor(a, n)!;
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += l[i * n + k]! * l[j * n + k]!;
        expect(Math.abs(s - a[i * n + j]!)).toBeLessThan(1e-9 * n);
      }
      const b = Float64Array.from({ length: n }, () => rng.normal());
      const viaCholesky = choleskySolve(l, b, n);
      const viaElimination = solveDense(a, b, n)!;
      viaCholesky.forEach((v, i) => expect(Math.abs(v - viaElimination[i]!)).toBeLessThan(1e-10));
    }
  });
  it('refuses a matrix that is not positive definite', () => {
    expect(choleskyFactor(Float64Array.from([1, 2, 2, 1]), 2)).toBeUndefined();
    expect(choleskyFactor(Float64Array.from([0, 0, 0, 0]), 2)).toBeUndefined();
  });
});
