import { GlassboxError } from '../../errors.js';
import { choleskyFactor, forwardSolve } from '../../math/cholesky.js';

/**
 * Class-conditional Gaussians with a shared covariance on a layer's activations (Lee et al. 2018, "A
 * simple unified framework for detecting out-of-distribution samples"): class means μ_c and
 * Σ = (1/n) Σᵢ (φᵢ − μ_{yᵢ})(φᵢ − μ_{yᵢ})ᵀ + εI, with ε = `ridge` × (trace Σ / d) so that a rank-deficient
 * covariance (e.g. dead ReLU units) stays invertible. The score of φ is min_c (φ − μ_c)ᵀ Σ⁻¹ (φ − μ_c).
 */
export interface MahalanobisModel {
  readonly dim: number;
  readonly classes: number;
  /** classes × dim */
  readonly means: Float64Array;
  /** Cholesky factor L of the regularised shared covariance, dim × dim, row-major lower. */
  readonly cholesky: Float64Array;
  readonly ridge: number;
  /** Rows per class used for the means (a class without rows has no mean and is skipped). */
  readonly counts: Int32Array;
}

export function fitMahalanobis(features: ArrayLike<number>, labels: ArrayLike<number>, n: number, dim: number, options: { ridge?: number } = {}): MahalanobisModel {
  if (n < 2) throw new GlassboxError('invalid_input', 'Mahalanobis scores need at least two fitting rows', { argument: 'fit-data' });
  let classes = 0;
  for (let i = 0; i < n; i++) classes = Math.max(classes, labels[i]! + 1);
  const means = new Float64Array(classes * dim);
  const counts = new Int32Array(classes);
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!(y >= 0) || !Number.isInteger(y)) throw new GlassboxError('invalid_input', `Mahalanobis: label of fitting row ${i} is ${y}, not a class index`, { row: i });
    counts[y] = counts[y]! + 1;
    for (let j = 0; j < dim; j++) means[y * dim + j] = means[y * dim + j]! + features[i * dim + j]!;
  }
  for (let c = 0; c < classes; c++) for (let j = 0; j < dim; j++) if (counts[c]! > 0) means[c * dim + j] = means[c * dim + j]! / counts[c]!;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    for (let j = 0; j < dim; j++) centred[j] = features[i * dim + j]! - means[y * dim + j]!;
    for (let a = 0; a < dim; a++) {
      const ca = centred[a]!;
      if (ca === 0) continue;
      for (let b = 0; b <= a; b++) cov[a * dim + b] = cov[a * dim + b]! + ca * centred[b]!;
    }
  }
  let trace = 0;
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b <= a; b++) cov[b * dim + a] = cov[a * dim + b] = cov[a * dim + b]! / n;
    trace += cov[a * dim + a]!;
  }
  const ridge = options.ridge ?? 1e-6;
  const eps = ridge * (trace / dim) + 1e-12;
  for (let a = 0; a < dim; a++) cov[a * dim + a] = cov[a * dim + a]! + eps;
  const cholesky = choleskyFactor(cov, dim);
  if (!cholesky) throw new GlassboxError('not_converged', 'Mahalanobis: the regularised covariance is not positive definite', { hint: 'Raise the ridge.' });
  return { dim, classes, means, cholesky, ridge, counts };
}

/**
 * min over classes of the squared Mahalanobis distance, per row: with whitened vectors w = L⁻¹φ and
 * m_c = L⁻¹μ_c, (φ − μ_c)ᵀ Σ⁻¹ (φ − μ_c) = ‖w − m_c‖², so each row needs one triangular solve.
 */
export function mahalanobisScores(model: MahalanobisModel, features: ArrayLike<number>, n: number): Float64Array {
  const { dim, classes, means, cholesky, counts } = model;
  const whitenedMeans = Array.from({ length: classes }, (_, c) => forwardSolve(cholesky, means.subarray(c * dim, (c + 1) * dim), dim));
  const out = new Float64Array(n);
  const row = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) row[j] = features[i * dim + j]!;
    const w = forwardSolve(cholesky, row, dim);
    let best = Infinity;
    for (let c = 0; c < classes; c++) {
      if (counts[c] === 0) continue;
      const m = whitenedMeans[c]!;
      let d2 = 0;
      for (let j = 0; j < dim; j++) d2 += (w[j]! - m[j]!) ** 2;
      if (d2 < best) best = d2;
    }
    out[i] = best;
  }
  return out;
}
