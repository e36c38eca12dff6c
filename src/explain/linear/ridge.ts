import { solveDense } from './dense.js';

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
  const n = y.length;
  const p = cols.length;
  const means = new Float64Array(p);
  let wSum = 0;
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    wSum += wi;
    yMean += wi * y[i]!;
    for (let a = 0; a < p; a++) means[a]! += wi * x[i * d + cols[a]!]!;
  }
  yMean /= wSum;
  for (let a = 0; a < p; a++) means[a]! /= wSum;
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  const xc = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    for (let a = 0; a < p; a++) xc[a] = x[i * d + cols[a]!]! - means[a]!;
    const yc = y[i]! - yMean;
    for (let a = 0; a < p; a++) {
      const wxa = wi * xc[a]!;
      rhs[a]! += wxa * yc;
      for (let b = a; b < p; b++) gram[a * p + b]! += wxa * xc[b]!;
    }
  }
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < a; b++) gram[a * p + b] = gram[b * p + a]!;
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
