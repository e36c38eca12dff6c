import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../math/symmetric-eigen.js';
import { Rng } from '../../rng.js';
import { pca } from './pca.js';
import { trustworthiness } from './trustworthiness.js';
import type { RepresentationMatrix } from '../cka/matrix.js';

/** n points near a plane in d dimensions: latent 2-D Gaussian with stds 3 and 1, mapped by a random orthonormal pair, plus small noise. */
function nearPlane(n: number, d: number, seed: number, noise = 0.01): { m: RepresentationMatrix; latent: Float64Array } {
  const rng = new Rng(seed);
  const u = Float64Array.from({ length: d }, () => rng.normal());
  const v = Float64Array.from({ length: d }, () => rng.normal());
  const norm = (a: Float64Array) => a.map((x) => x / Math.hypot(...a));
  const a = norm(u);
  const dot = a.reduce((s, x, j) => s + x * v[j]!, 0);
  const b = norm(v.map((x, j) => x - dot * a[j]!));
  const latent = new Float64Array(n * 2);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const s = 3 * rng.normal();
    const t = rng.normal();
    latent[2 * i] = s;
    latent[2 * i + 1] = t;
    for (let j = 0; j < d; j++) data[i * d + j] = s * a[j]! + t * b[j]! + noise * rng.normal() + 5;
  }
  return { m: { data, rows: n, cols: d }, latent };
}

describe('symmetric eigen-decomposition (Jacobi)', () => {
  it('A v = λ v with orthonormal v, eigenvalues in decreasing order', () => {
    const rng = new Rng(1);
    const n = 12;
    const b = Float64Array.from({ length: n * n }, () => rng.normal());
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j]! += b[k * n + i]! * b[k * n + j]!;
    const { values, vectors } = symmetricEigen(a, n);
    for (let c = 0; c < n; c++) {
      if (c > 0) expect(values[c]!).toBeLessThanOrEqual(values[c - 1]!);
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k]! * vectors[k * n + c]!;
        expect(av).toBeCloseTo(values[c]! * vectors[i * n + c]!, 9);
      }
      for (let c2 = 0; c2 <= c; c2++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += vectors[k * n + c]! * vectors[k * n + c2]!;
        expect(dot).toBeCloseTo(c === c2 ? 1 : 0, 12);
      }
    }
  });
});

describe('PCA', () => {
  it('recovers the variances of points near a plane; exact and randomized agree', () => {
    const { m } = nearPlane(400, 40, 2);
    const exact = pca(m, { method: 'exact' });
    const randomized = pca(m, { method: 'randomized', seed: 3 });
    expect(exact.explainedVariance[0]!).toBeGreaterThan(7);
    expect(exact.explainedVariance[0]!).toBeLessThan(11);
    expect(exact.explainedVarianceRatio[0]! + exact.explainedVarianceRatio[1]!).toBeGreaterThan(0.999);
    for (let i = 0; i < exact.coordinates.length; i++) expect(randomized.coordinates[i]!).toBeCloseTo(exact.coordinates[i]!, 6);
    // deterministic signs: the largest loading of each axis is positive, whatever the method
    expect(Math.max(...exact.axes.subarray(0, 40))).toBeGreaterThan(-Math.min(...exact.axes.subarray(0, 40)));
  });

  it('refuses more components than the data has', () => {
    expect(() => pca({ data: new Float64Array(6), rows: 3, cols: 2 }, { components: 3 })).toThrow(/components must be an integer in \[1, 2\]/);
  });
});

describe('trustworthiness (Venna & Kaski; scikit-learn\'s definition)', () => {
  it('is 1 for an embedding that keeps every neighbourhood, high for PCA of planar data, low for a random embedding', () => {
    const { m, latent } = nearPlane(200, 20, 4);
    expect(trustworthiness(m, m, 5)).toBe(1);
    const projected = pca(m);
    expect(trustworthiness(m, { data: projected.coordinates, rows: 200, cols: 2 }, 5)).toBeGreaterThan(0.99);
    expect(trustworthiness(m, { data: latent, rows: 200, cols: 2 }, 5)).toBeGreaterThan(0.99);
    const rng = new Rng(5);
    const random = { data: Float64Array.from({ length: 400 }, () => rng.normal()), rows: 200, cols: 2 };
    expect(trustworthiness(m, random, 5)).toBeLessThan(0.6);
  });

  it('equals scikit-learn 1.9\'s value on a fixed small case', () => {
    // X: 12 points on a helix; Y: their (x, y) coordinates only. sklearn.manifold.trustworthiness(X, Y, n_neighbors=3)
    const x = Array.from({ length: 12 }, (_, i) => [Math.cos(i), Math.sin(i), i / 4]);
    const y = x.map(([a, b]) => [a!, b!]);
    const value = trustworthiness({ data: Float64Array.from(x.flat()), rows: 12, cols: 3 }, { data: Float64Array.from(y.flat()), rows: 12, cols: 2 }, 3);
    expect(value).toBeCloseTo(SKLEARN_HELIX, 12);
  });
});

/** scikit-learn 1.9.1: trustworthiness(X, X[:, :2], n_neighbors=3) for the helix above. */
const SKLEARN_HELIX = 0.8650793650793651;
