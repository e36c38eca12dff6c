import type { RepresentationMatrix } from '../../src/represent/cka/matrix.js';
import { Rng } from '../../src/rng.js';

/** `clusters` isotropic Gaussian blobs (std 1) with centres drawn N(0, spread²) in d dimensions. */
export function gaussianClusters(n: number, d: number, clusters: number, seed: number, spread = 10): { m: RepresentationMatrix; labels: Int32Array } {
  const rng = new Rng(seed);
  const centres = Float64Array.from({ length: clusters * d }, () => spread * rng.normal());
  const data = new Float64Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    labels[i] = c;
    for (let j = 0; j < d; j++) data[i * d + j] = centres[c * d + j]! + rng.normal();
  }
  return { m: { data, rows: n, cols: d }, labels };
}

