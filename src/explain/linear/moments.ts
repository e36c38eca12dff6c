import { solveDense } from '../../math/dense.js';
import type { LinearFit } from './ridge.js';

/**
 * Weighted first and second moments of (X, y) gathered in one pass over the rows. Every weighted
 * ridge fit on any subset of the columns (and its weighted R²) follows from them without another pass:
 * LIME's feature selection and final fit share one pass.
 */
export interface WeightedMoments {
  readonly d: number;
  readonly sw: number;
  readonly sy: number;
  readonly syy: number;
  /** Σ w x_j, Σ w x_j y, Σ w x_j x_k (full d × d, symmetric). */
  readonly sx: Float64Array;
  readonly sxy: Float64Array;
  readonly sxx: Float64Array;
}

export function weightedMoments(x: Float64Array, d: number, y: Float64Array, w: Float64Array): WeightedMoments {
  const n = y.length;
  const sx = new Float64Array(d);
  const sxy = new Float64Array(d);
  const sxx = new Float64Array(d * d);
  let sw = 0;
  let sy = 0;
  let syy = 0;
  // Only a row's non-zero entries contribute; LIME's interpretable rows are sparse 0/1 vectors.
  const nonZero = new Int32Array(d);
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    const yi = y[i]!;
    sw += wi;
    sy += wi * yi;
    syy += wi * yi * yi;
    const base = i * d;
    let count = 0;
    for (let a = 0; a < d; a++) if (x[base + a] !== 0) nonZero[count++] = a;
    for (let p = 0; p < count; p++) {
      const a = nonZero[p]!;
      const wxa = wi * x[base + a]!;
      sx[a]! += wxa;
      sxy[a]! += wxa * yi;
      const r = a * d;
      for (let q = p; q < count; q++) {
        const b = nonZero[q]!;
        sxx[r + b]! += wxa * x[base + b]!;
      }
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) sxx[a * d + b] = sxx[b * d + a]!;
  return { d, sw, sy, syy, sx, sxy, sxx };
}

/** Weighted ridge with intercept on columns `cols` (scikit-learn Ridge semantics) from the moments. */
export function ridgeFromMoments(m: WeightedMoments, cols: readonly number[], alpha: number): LinearFit {
  const p = cols.length;
  const yMean = m.sy / m.sw;
  const means = Float64Array.from(cols, (j) => m.sx[j]! / m.sw);
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    const ja = cols[a]!;
    rhs[a] = m.sxy[ja]! - m.sx[ja]! * yMean;
    for (let b = 0; b < p; b++) gram[a * p + b] = m.sxx[ja * m.d + cols[b]!]! - m.sx[ja]! * means[b]!;
    gram[a * p + a]! += alpha;
  }
  let coef = solveDense(gram, rhs, p);
  if (!coef) {
    for (let a = 0; a < p; a++) gram[a * p + a]! += 1e-12;
    coef = solveDense(gram, rhs, p) ?? new Float64Array(p);
  }
  let intercept = yMean;
  for (let a = 0; a < p; a++) intercept -= means[a]! * coef[a]!;
  return { coef, intercept };
}

/** Weighted R² of a fit on `cols`, from the moments: 1 − SS_res / SS_tot. */
export function r2FromMoments(m: WeightedMoments, cols: readonly number[], fit: LinearFit): number {
  const yMean = m.sy / m.sw;
  const ssTot = m.syy - m.sw * yMean * yMean;
  // SS_res = Σw (y − c − βᵀx)² expanded in the raw moments
  const c = fit.intercept;
  let bxy = 0;
  let bx = 0;
  let bxxb = 0;
  for (let a = 0; a < cols.length; a++) {
    const ja = cols[a]!;
    const ba = fit.coef[a]!;
    bxy += ba * m.sxy[ja]!;
    bx += ba * m.sx[ja]!;
    for (let b = 0; b < cols.length; b++) bxxb += ba * fit.coef[b]! * m.sxx[ja * m.d + cols[b]!]!;
  }
  const ssRes = m.syy - 2 * c * m.sy - 2 * bxy + c * c * m.sw + 2 * c * bx + bxxb;
  return ssTot <= 0 ? (ssRes <= 1e-15 ? 1 : 0) : 1 - Math.max(ssRes, 0) / ssTot;
}
