import { Rng } from '../../src/rng.js';

/**
 * Points from a planted Gaussian mixture, component by component: component c has mean means[c] and
 * covariance L_c L_cᵀ (L_c lower-triangular, d × d); `isotropic(d, scale)` gives scale²·I.
 */
export function plantedMixture(seed: number, sizes: number[], means: number[][], factors: number[][][]): { x: Float64Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const d = means[0]!.length;
  const n = sizes.reduce((a, b) => a + b, 0);
  const x = new Float64Array(n * d);
  const labels = new Int32Array(n);
  let i = 0;
  sizes.forEach((size, c) => {
    for (let s = 0; s < size; s++, i++) {
      const e = Array.from({ length: d }, () => rng.normal());
      for (let a = 0; a < d; a++) {
        let v = means[c]![a]!;
        for (let b = 0; b <= a; b++) v += factors[c]![a]![b]! * e[b]!;
        x[i * d + a] = v;
      }
      labels[i] = c;
    }
  });
  return { x, labels };
}

/** The Cholesky factor of scale²·I in d dimensions. */
export function isotropic(d: number, scale: number): number[][] {
  return Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? scale : 0)));
}
