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
  // One pass over rows gathers weighted raw moments; centring happens on the p × p moments
  // (XcᵀWXc = XᵀWX − W·x̄x̄ᵀ), which is exact enough for LIME's bounded interpretable features.
  const sx = new Float64Array(p);
  const sxx = new Float64Array(p * p);
  const sxy = new Float64Array(p);
  const row = new Float64Array(p);
  const colIdx = Int32Array.from(cols);
  let sw = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    const yi = y[i]!;
    sw += wi;
    sy += wi * yi;
    const base = i * d;
    for (let a = 0; a < p; a++) row[a] = x[base + colIdx[a]!]!;
    for (let a = 0; a < p; a++) {
      const xa = row[a]!;
      if (xa === 0) continue;
      const wxa = wi * xa;
      sx[a]! += wxa;
      sxy[a]! += wxa * yi;
      const r = a * p;
      for (let b = a; b < p; b++) sxx[r + b]! += wxa * row[b]!;
    }
  }
  const yMean = sy / sw;
  const means = new Float64Array(p);
  for (let a = 0; a < p; a++) means[a] = sx[a]! / sw;
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    rhs[a] = sxy[a]! - sx[a]! * yMean;
    for (let b = a; b < p; b++) gram[a * p + b] = gram[b * p + a] = sxx[a * p + b]! - sx[a]! * means[b]!;
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
