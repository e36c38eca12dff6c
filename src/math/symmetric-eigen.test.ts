import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { symmetricEigen } from './symmetric-eigen.js';

describe('symmetricEigen', () => {
  it('reconstructs a random symmetric matrix with orthonormal eigenvectors', () => {
    const rng = new Rng(3);
    for (const n of [1, 2, 5, 12]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
      const { values, vectors: v } = symmetricEigen(a, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let rec = 0;
          let dot = 0;
          for (let k = 0; k < n; k++) {
            rec += v[i * n + k]! * values[k]! * v[j * n + k]!;
            dot += v[k * n + i]! * v[k * n + j]!;
          }
          expect(rec).toBeCloseTo(a[i * n + j]!, 10);
          expect(dot).toBeCloseTo(i === j ? 1 : 0, 10);
        }
      }
    }
  });

  it('gives the known eigenvalues of [[2, 1], [1, 2]]', () => {
    const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(Array.from(values).sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
  });
});
