import { ridgeFromMoments, weightedMoments } from './moments.js';

/** A fitted weighted linear model: y ≈ intercept + Σ coef_j x_j. */
export interface LinearFit {
  readonly coef: Float64Array;
  readonly intercept: number;
}

/**
 * Weighted ridge regression with an intercept, as scikit-learn's `Ridge(alpha, fit_intercept=True)`
 * with `sample_weight`: columns and target are centred by their weighted means, then
 * (XcᵀWXc + αI)β = XcᵀWyc and intercept = ȳ − x̄ᵀβ. `cols` picks columns of the row-major n × d
 * matrix `x`. α = 0 gives weighted least squares (singular systems get a 1e-12 ridge).
 */
export function weightedRidge(x: Float64Array, d: number, y: Float64Array, w: Float64Array, cols: readonly number[], alpha: number): LinearFit {
  return ridgeFromMoments(weightedMoments(x, d, y, w), cols, alpha);
}

/** Weighted R² of a linear fit (scikit-learn's `score` with sample_weight). */
export function weightedR2(x: Float64Array, d: number, y: Float64Array, w: Float64Array, cols: readonly number[], fit: LinearFit): number {
  const n = y.length;
  let wSum = 0;
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    wSum += w[i]!;
    yMean += w[i]! * y[i]!;
  }
  yMean /= wSum;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    let pred = fit.intercept;
    for (let a = 0; a < cols.length; a++) pred += fit.coef[a]! * x[i * d + cols[a]!]!;
    ssRes += w[i]! * (y[i]! - pred) ** 2;
    ssTot += w[i]! * (y[i]! - yMean) ** 2;
  }
  return ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
}
