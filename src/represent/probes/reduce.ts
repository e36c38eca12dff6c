import { symmetricEigen } from '../../math/symmetric-eigen.js';
import { Rng } from '../../rng.js';
import { centerColumns, gram, type RepresentationMatrix } from '../cka/matrix.js';
import { pca } from '../projection/pca.js';
import { orthonormalColumns } from '../../math/orthonormal-columns.js';

/** Largest row count for which the n × n Gram route is used (its memory is 8 n² bytes). */
const GRAM_ROWS = 3000;

/**
 * The first `k` principal-component coordinates of a wide matrix (n × k, float64), used to shrink a layer
 * before probing it. With fewer rows than columns (the usual case for convolutional activations) it works in
 * the n-dimensional row space: the top eigenvectors U of the centred Gram matrix XXᵀ = UΛUᵀ, found by a
 * seeded randomized range finder with two power iterations (Halko, Martinsson & Tropp 2011), give the
 * coordinates U√Λ = XV without forming a d × d matrix. Otherwise it calls `pca` (randomized).
 */
export function principalCoordinates(m: RepresentationMatrix, k: number, seed: number): Float64Array {
  const { rows: n, cols: d } = m;
  if (n > GRAM_ROWS || n > d) return pca(m, { components: k, method: 'randomized', seed }).coordinates;
  const g = gram(centerColumns(m), n, d);
  const l = Math.min(n, k + 10);
  const rng = new Rng(seed);
  let q = orthonormalColumns(Float64Array.from({ length: n * l }, () => rng.normal()), n, l);
  for (let it = 0; it < 2; it++) q = orthonormalColumns(multiply(g, q, n, l), n, l);
  const gq = multiply(g, q, n, l);
  const small = new Float64Array(l * l);
  for (let a = 0; a < l; a++) {
    for (let b = a; b < l; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += q[i * l + a]! * gq[i * l + b]!;
      small[a * l + b] = s;
      small[b * l + a] = s;
    }
  }
  const { values, vectors } = symmetricEigen(small, l);
  const out = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    const root = Math.sqrt(Math.max(0, values[c]!));
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let a = 0; a < l; a++) s += q[i * l + a]! * vectors[a * l + c]!;
      out[i * k + c] = s * root;
    }
  }
  return out;
}

/** (n × n) · (n × l), row-major. */
function multiply(g: Float64Array, b: Float64Array, n: number, l: number): Float64Array {
  const out = new Float64Array(n * l);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < n; t++) {
      const v = g[i * n + t]!;
      if (v === 0) continue;
      for (let c = 0; c < l; c++) out[i * l + c]! += v * b[t * l + c]!;
    }
  }
  return out;
}
