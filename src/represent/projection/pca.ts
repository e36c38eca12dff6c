import { GlassboxError } from '../../errors.js';
import { orthonormalColumns } from '../../math/orthonormal-columns.js';
import { symmetricEigen } from '../../math/symmetric-eigen.js';
import { Rng } from '../../rng.js';
import { centerColumns, checkMatrix, crossProduct, type RepresentationMatrix } from '../cka/matrix.js';

export interface PcaOptions {
  /** Components kept (default 2). */
  readonly components?: number;
  /**
   * 'exact': eigen-decomposition of the d × d covariance; 'randomized': Halko, Martinsson & Tropp (2011)
   * randomized range finder with power iterations. 'auto' (default): exact up to 256 features.
   */
  readonly method?: 'auto' | 'exact' | 'randomized';
  /** Randomized: extra dimensions of the sketch (default 10) and power iterations (default 4), as scikit-learn. */
  readonly oversample?: number;
  readonly powerIterations?: number;
  readonly seed?: number;
}

export interface PcaResult {
  /** n × k coordinates (row-major). */
  readonly coordinates: Float64Array;
  readonly components: number;
  /** k × d principal axes (row-major, unit length; each axis's largest-magnitude loading is positive). */
  readonly axes: Float64Array;
  /** Variance along each axis (divided by n − 1, as scikit-learn). */
  readonly explainedVariance: Float64Array;
  readonly explainedVarianceRatio: Float64Array;
  readonly method: 'exact' | 'randomized';
  readonly seed: number;
}

/**
 * Principal component analysis of the column-centred rows (Pearson 1901; Hotelling 1933). Signs are made
 * deterministic: each axis's largest-magnitude loading is positive.
 */
export function pca(m: RepresentationMatrix, options: PcaOptions = {}): PcaResult {
  checkMatrix(m, 'X');
  const { rows: n, cols: d } = m;
  const k = options.components ?? 2;
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n, d)) throw new GlassboxError('invalid_argument', `components must be an integer in [1, ${Math.min(n, d)}]; got ${k}.`, { argument: 'components' });
  const method = options.method === 'randomized' || (options.method !== 'exact' && d > 256) ? 'randomized' : 'exact';
  const seed = options.seed ?? 0;
  const xc = centerColumns(m);
  let total = 0;
  for (const v of xc) total += v * v;
  total /= n - 1;
  const axes = method === 'exact' ? exactAxes(xc, n, d, k) : randomizedAxes(xc, n, d, k, options.oversample ?? 10, options.powerIterations ?? 4, seed);
  orientAxes(axes, k, d);
  const coordinates = new Float64Array(n * k);
  const explainedVariance = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += xc[i * d + j]! * axes[c * d + j]!;
      coordinates[i * k + c] = s;
      explainedVariance[c]! += (s * s) / (n - 1);
    }
  }
  return { coordinates, components: k, axes, explainedVariance, explainedVarianceRatio: explainedVariance.map((v) => (total > 0 ? v / total : 0)), method, seed };
}

function exactAxes(xc: Float64Array, n: number, d: number, k: number): Float64Array {
  const { vectors } = symmetricEigen(crossProduct(xc, d, xc, d, n), d);
  const axes = new Float64Array(k * d);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) axes[c * d + j] = vectors[j * d + c]!;
  return axes;
}

/** Range finder Q (d × l) for XᵀX by power iterations on a Gaussian sketch, then the exact axes of QᵀXᵀXQ. */
function randomizedAxes(xc: Float64Array, n: number, d: number, k: number, oversample: number, iterations: number, seed: number): Float64Array {
  const l = Math.min(d, k + oversample);
  const rng = new Rng(seed);
  let q = orthonormalColumns(Float64Array.from({ length: d * l }, () => rng.normal()), d, l);
  const apply = (basis: Float64Array): Float64Array => {
    // XᵀX B without forming XᵀX: (n × l) = X B, then Xᵀ (X B)
    const xb = new Float64Array(n * l);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) {
      const x = xc[i * d + j]!;
      if (x === 0) continue;
      for (let c = 0; c < l; c++) xb[i * l + c]! += x * basis[j * l + c]!;
    }
    return crossProduct(xc, d, xb, l, n);
  };
  for (let it = 0; it < iterations; it++) q = orthonormalColumns(apply(q), d, l);
  const aq = apply(q);
  const small = new Float64Array(l * l);
  for (let a = 0; a < l; a++) for (let b = 0; b < l; b++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += q[j * l + a]! * aq[j * l + b]!;
    small[a * l + b] = s;
  }
  for (let a = 0; a < l; a++) for (let b = a + 1; b < l; b++) small[a * l + b] = small[b * l + a] = (small[a * l + b]! + small[b * l + a]!) / 2;
  const { vectors } = symmetricEigen(small, l);
  const axes = new Float64Array(k * d);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let a = 0; a < l; a++) s += q[j * l + a]! * vectors[a * l + c]!;
    axes[c * d + j] = s;
  }
  return axes;
}

function orientAxes(axes: Float64Array, k: number, d: number): void {
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let j = 0; j < d; j++) if (Math.abs(axes[c * d + j]!) > Math.abs(best)) best = axes[c * d + j]!;
    if (best < 0) for (let j = 0; j < d; j++) axes[c * d + j] = -axes[c * d + j]!;
  }
}
