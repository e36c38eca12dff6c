import { larsPath } from '../linear/lars.js';
import { r2FromMoments, ridgeFromMoments, weightedMoments } from '../linear/moments.js';
import type { WeightedMoments } from '../linear/moments.js';

export type FeatureSelection = 'auto' | 'forward' | 'highest_weights' | 'lasso_path' | 'none';

/**
 * lime 0.2 `LimeBase.feature_selection` on the interpretable data (row-major n × d, weights per row):
 * 'none' (all), 'forward' (greedy by weighted R² of an unregularised fit), 'highest_weights' (the
 * largest |coef · x₀| of a Ridge(α=0.01) on all features), 'lasso_path' (the last point of the weighted
 * LARS-lasso path with ≤ k nonzero coefficients) and 'auto' (forward when k ≤ 6, else highest_weights).
 */
export function selectFeatures(data: Float64Array, d: number, labels: Float64Array, weights: Float64Array, k: number, method: FeatureSelection, moments?: WeightedMoments): number[] {
  return selectFromMoments(moments ?? weightedMoments(data, d, labels, weights), data.subarray(0, d), k, method, () => ({ data, labels, weights }));
}

/**
 * selectFeatures from the weighted moments of the interpretable rows (every mode but 'lasso_path' needs
 * nothing else): `x0` is the explained row's interpretable vector; `rows` gives the dense rows, labels
 * and weights, and is only called for 'lasso_path'.
 */
export function selectFromMoments(m: WeightedMoments, x0: Float64Array, k: number, method: FeatureSelection, rows: () => { data: Float64Array; labels: Float64Array; weights: Float64Array }): number[] {
  const d = m.d;
  const all = Array.from({ length: d }, (_, i) => i);
  switch (method) {
    case 'none':
      return all;
    case 'auto':
      return selectFromMoments(m, x0, k, k <= 6 ? 'forward' : 'highest_weights', rows);
    case 'forward':
      return forward(m, d, k);
    case 'highest_weights': {
      const fit = ridgeFromMoments(m, all, 0.01);
      return all
        .map((j) => ({ j, w: fit.coef[j]! * x0[j]! }))
        .sort((a, b) => Math.abs(b.w) - Math.abs(a.w) || a.j - b.j)
        .slice(0, k)
        .map((e) => e.j);
    }
    case 'lasso_path': {
      const { data, labels, weights } = rows();
      return lassoPath(data, d, labels, weights, k);
    }
  }
}

function forward(m: WeightedMoments, d: number, k: number): number[] {
  const used: number[] = [];
  for (let step = 0; step < Math.min(k, d); step++) {
    let best = 0;
    let bestScore = -1e8;
    for (let j = 0; j < d; j++) {
      if (used.includes(j)) continue;
      const cols = [...used, j];
      const fit = ridgeFromMoments(m, cols, 0);
      const score = r2FromMoments(m, cols, fit);
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    }
    used.push(best);
  }
  return used;
}

function lassoPath(data: Float64Array, d: number, labels: Float64Array, weights: Float64Array, k: number): number[] {
  const n = labels.length;
  let wSum = 0;
  const mean = new Float64Array(d);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    wSum += weights[i]!;
    yMean += weights[i]! * labels[i]!;
    for (let j = 0; j < d; j++) mean[j]! += weights[i]! * data[i * d + j]!;
  }
  yMean /= wSum;
  for (let j = 0; j < d; j++) mean[j]! /= wSum;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.sqrt(weights[i]!);
    y[i] = (labels[i]! - yMean) * s;
    for (let j = 0; j < d; j++) x[i * d + j] = (data[i * d + j]! - mean[j]!) * s;
  }
  const path = larsPath(x, y, n, d, { method: 'lasso' });
  let nonzero = Array.from({ length: d }, (_, j) => j);
  for (let i = path.coefs.length - 1; i > 0; i--) {
    const coef = path.coefs[i]!;
    nonzero = [];
    for (let j = 0; j < d; j++) if (coef[j] !== 0) nonzero.push(j);
    if (nonzero.length <= k) break;
  }
  return nonzero;
}
