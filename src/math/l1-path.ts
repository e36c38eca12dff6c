import { GlassboxError, throwIfAborted } from '../errors.js';

export type L1Family = 'binomial' | 'gaussian';

export interface L1PathOptions {
  /** Number of λ values, log-spaced from λ_max down (default 50; glmnet: 100). */
  readonly lambdas?: number;
  /** λ_min / λ_max (default 1e-3; glmnet: 1e-4 when n > d, else 0.01). */
  readonly lambdaMinRatio?: number;
  /** Coordinate descent stops when max_j v_j Δβ_j² falls below this (default 1e-9). */
  readonly tolerance?: number;
  /** Most passes over the coordinates per λ (default 1000). */
  readonly maxPasses?: number;
  readonly signal?: AbortSignal;
}

export interface L1Path {
  readonly family: L1Family;
  readonly n: number;
  readonly d: number;
  /**
   * Decreasing λ values; lambdas[0] = λ_max, where every coefficient is zero. As in glmnet, the path stops
   * early (after at least 6 values) once a λ step reduces the deviance by less than 1e-5 of the null
   * deviance, or the deviance falls below 0.1% of it.
   */
  readonly lambdas: Float64Array;
  /** nλ × d coefficients on the standardised features, row-major. */
  readonly standardized: Float64Array;
  /** nλ × d coefficients on the original features. */
  readonly coefficients: Float64Array;
  /** nλ intercepts on the original features. */
  readonly intercepts: Float64Array;
  /** Feature means and population standard deviations (1 for a constant column). */
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  /** Whether every λ converged within maxPasses. */
  readonly converged: boolean;
}

/**
 * The lasso regularisation path by cyclic coordinate descent (Friedman, Hastie & Tibshirani,
 * "Regularization paths for generalized linear models via coordinate descent", J. Stat. Softw. 2010 —
 * glmnet with alpha = 1): features are standardised (mean 0, population variance 1), and for each λ,
 * warm-started from the previous one, minimises
 *   gaussian:  (1/2n) Σ (yᵢ − β₀ − xᵢβ)² + λ‖β‖₁
 *   binomial:  −(1/n) Σ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)] + λ‖β‖₁,  pᵢ = σ(β₀ + xᵢβ)
 * the binomial case by iteratively reweighted least squares around the current fit, each weighted
 * least-squares problem by soft-thresholded coordinate updates over the active set, checked by a full pass.
 *
 * @param x n × d row-major features
 * @param y targets (binomial: 0/1)
 */
export function l1Path(x: Float64Array | Float32Array, n: number, d: number, y: ArrayLike<number>, family: L1Family, options: L1PathOptions = {}): L1Path {
  if (!(n >= 2 && d >= 1 && x.length === n * d)) throw new GlassboxError('shape_mismatch', `l1Path: ${x.length} values do not form ${n} × ${d} (n ≥ 2, d ≥ 1).`, { argument: 'x' });
  if (y.length !== n) throw new GlassboxError('shape_mismatch', `l1Path: ${y.length} targets for ${n} rows.`, { argument: 'y' });
  const nLambda = options.lambdas ?? 50;
  const ratio = options.lambdaMinRatio ?? 1e-3;
  if (!(Number.isInteger(nLambda) && nLambda >= 1) || !(ratio > 0 && ratio < 1)) throw new GlassboxError('invalid_argument', 'l1Path: lambdas must be an integer ≥ 1 and lambdaMinRatio in (0, 1).', { argument: 'lambdas' });
  const tol = options.tolerance ?? 1e-9;
  const maxPasses = options.maxPasses ?? 1000;
  const { cols, mean, scale } = standardizeColumns(x, n, d);
  const target = Float64Array.from(y as ArrayLike<number>);
  const ybar = target.reduce((s, v) => s + v, 0) / n;
  if (family === 'binomial' && (ybar <= 0 || ybar >= 1)) throw new GlassboxError('invalid_input', 'l1Path: binomial targets need both 0 and 1.', { argument: 'y' });
  // λ_max: the largest |gradient| at β = 0 with the intercept fitted
  let lambdaMax = 0;
  for (let j = 0; j < d; j++) {
    let g = 0;
    const c = cols[j]!;
    for (let i = 0; i < n; i++) g += c[i]! * (target[i]! - ybar);
    lambdaMax = Math.max(lambdaMax, Math.abs(g) / n);
  }
  if (lambdaMax === 0) lambdaMax = 1e-12;
  const lambdas = Float64Array.from({ length: nLambda }, (_, k) => lambdaMax * Math.pow(ratio, nLambda === 1 ? 0 : k / (nLambda - 1)));
  const beta = new Float64Array(d);
  let b0 = family === 'binomial' ? Math.log(ybar / (1 - ybar)) : ybar;
  const standardized = new Float64Array(nLambda * d);
  const intercepts0 = new Float64Array(nLambda);
  let converged = true;
  const state: FitState = { cols, n, d, y: target, beta, b0, tol, maxPasses };
  const nullDeviance = deviance(state, family);
  let previousDeviance = nullDeviance;
  let kept = nLambda;
  for (let k = 0; k < nLambda; k++) {
    throwIfAborted(options.signal);
    // at λ_max the solution is β = 0 with the intercept alone (exactly; the solver would only add rounding)
    const ok = k === 0 || (family === 'gaussian' ? solveWeighted(state, lambdas[k]!, null, target) : irls(state, lambdas[k]!));
    converged &&= ok;
    b0 = state.b0;
    standardized.set(beta, k * d);
    intercepts0[k] = b0;
    // glmnet's path stop: the fit explains (almost) everything, or the last λ barely changed the deviance
    const dev = deviance(state, family);
    if (k >= 5 && ((previousDeviance - dev) / nullDeviance < 1e-5 || dev / nullDeviance < 1e-3)) {
      kept = k + 1;
      break;
    }
    previousDeviance = dev;
  }
  const coefficients = new Float64Array(kept * d);
  const intercepts = new Float64Array(kept);
  for (let k = 0; k < kept; k++) {
    let b = intercepts0[k]!;
    for (let j = 0; j < d; j++) {
      const w = standardized[k * d + j]! / scale[j]!;
      coefficients[k * d + j] = w;
      b -= w * mean[j]!;
    }
    intercepts[k] = b;
  }
  return { family, n, d, lambdas: lambdas.slice(0, kept), standardized: standardized.slice(0, kept * d), coefficients, intercepts, mean, scale, converged };
}

/** Deviance of the current fit: −2 Σ log-likelihood (binomial) or the residual sum of squares (gaussian). */
function deviance(state: FitState, family: L1Family): number {
  const { cols, n, d, y, beta } = state;
  const eta = new Float64Array(n).fill(state.b0);
  for (let j = 0; j < d; j++) {
    const bj = beta[j]!;
    if (bj === 0) continue;
    const c = cols[j]!;
    for (let i = 0; i < n; i++) eta[i]! += c[i]! * bj;
  }
  let dev = 0;
  for (let i = 0; i < n; i++) {
    if (family === 'gaussian') dev += (y[i]! - eta[i]!) ** 2;
    else {
      const m = y[i]! > 0.5 ? -eta[i]! : eta[i]!;
      dev += 2 * (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
    }
  }
  return dev;
}

interface FitState {
  readonly cols: Float64Array[];
  readonly n: number;
  readonly d: number;
  readonly y: Float64Array;
  readonly beta: Float64Array;
  b0: number;
  readonly tol: number;
  readonly maxPasses: number;
}

function standardizeColumns(x: Float64Array | Float32Array, n: number, d: number): { cols: Float64Array[]; mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  const cols: Float64Array[] = [];
  for (let j = 0; j < d; j++) {
    const c = new Float64Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      c[i] = x[i * d + j]!;
      m += c[i]!;
    }
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (c[i]! - m) ** 2;
    const s = Math.sqrt(v / n) || 1;
    for (let i = 0; i < n; i++) c[i] = (c[i]! - m) / s;
    mean[j] = m;
    scale[j] = s;
    cols.push(c);
  }
  return { cols, mean, scale };
}

/** Soft-thresholding S(z, γ) = sign(z)·max(|z| − γ, 0). */
function soft(z: number, g: number): number {
  return z > g ? z - g : z < -g ? z + g : 0;
}

/**
 * Minimises (1/2n) Σ wᵢ (zᵢ − β₀ − xᵢβ)² + λ‖β‖₁ by coordinate descent (w = 1 when null), warm-started
 * from state.beta / state.b0. Active-set passes until converged, then a full pass; done when the full
 * pass changes nothing beyond tolerance.
 */
function solveWeighted(state: FitState, lambda: number, w: Float64Array | null, z: Float64Array): boolean {
  const { cols, n, d, beta, tol } = state;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = z[i]! - state.b0;
  for (let j = 0; j < d; j++) {
    const bj = beta[j]!;
    if (bj === 0) continue;
    const c = cols[j]!;
    for (let i = 0; i < n; i++) r[i]! -= c[i]! * bj;
  }
  let wsum = n;
  // v_j = (1/n) Σ wᵢ xᵢⱼ², computed when column j is first updated (a zero column that stays zero never needs it)
  const v = new Float64Array(d).fill(w ? Number.NaN : 1);
  const vOf = (j: number): number => {
    if (Number.isNaN(v[j]!)) {
      const c = cols[j]!;
      let s = 0;
      for (let i = 0; i < n; i++) s += w![i]! * c[i]! * c[i]!;
      v[j] = s / n;
    }
    return v[j]!;
  };
  if (w) {
    wsum = 0;
    for (let i = 0; i < n; i++) wsum += w[i]!;
  }
  const pass = (active: boolean): number => {
    let maxChange = 0;
    // intercept
    let s = 0;
    if (w) for (let i = 0; i < n; i++) s += w[i]! * r[i]!;
    else for (let i = 0; i < n; i++) s += r[i]!;
    const delta0 = s / wsum;
    if (delta0 !== 0) {
      state.b0 += delta0;
      for (let i = 0; i < n; i++) r[i]! -= delta0;
      maxChange = Math.max(maxChange, (wsum / n) * delta0 * delta0);
    }
    for (let j = 0; j < d; j++) {
      const old = beta[j]!;
      if (active && old === 0) continue;
      const c = cols[j]!;
      let g = 0;
      if (w) for (let i = 0; i < n; i++) g += w[i]! * c[i]! * r[i]!;
      else for (let i = 0; i < n; i++) g += c[i]! * r[i]!;
      g /= n;
      if (old === 0 && Math.abs(g) <= lambda) continue;
      const vj = vOf(j);
      if (vj <= 0) continue;
      const updated = soft(g + vj * old, lambda) / vj;
      if (updated === old) continue;
      const diff = updated - old;
      beta[j] = updated;
      for (let i = 0; i < n; i++) r[i]! -= c[i]! * diff;
      maxChange = Math.max(maxChange, vj * diff * diff);
    }
    return maxChange;
  };
  let passes = 0;
  while (passes < state.maxPasses) {
    passes++;
    if (pass(false) < tol) return true;
    while (passes < state.maxPasses) {
      passes++;
      if (pass(true) < tol) break;
    }
  }
  return false;
}

/** Binomial: reweighted least squares around the current fit (glmnet's outer loop), until β settles. */
function irls(state: FitState, lambda: number): boolean {
  const { cols, n, d, y, beta } = state;
  const w = new Float64Array(n);
  const z = new Float64Array(n);
  const eta = new Float64Array(n);
  const previous = new Float64Array(d + 1);
  for (let iteration = 0; iteration < 25; iteration++) {
    eta.fill(state.b0);
    for (let j = 0; j < d; j++) {
      const bj = beta[j]!;
      if (bj === 0) continue;
      const c = cols[j]!;
      for (let i = 0; i < n; i++) eta[i]! += c[i]! * bj;
    }
    for (let i = 0; i < n; i++) {
      const p = Math.min(1 - 1e-5, Math.max(1e-5, 1 / (1 + Math.exp(-eta[i]!))));
      w[i] = p * (1 - p);
      z[i] = eta[i]! + (y[i]! - p) / w[i]!;
    }
    previous.set(beta);
    previous[d] = state.b0;
    if (!solveWeighted(state, lambda, w, z)) return false;
    // glmnet's criterion: the largest weighted squared change, Σ-free (max_j v_j Δβ_j², the intercept with mean weight)
    let wmean = 0;
    for (let i = 0; i < n; i++) wmean += w[i]!;
    wmean /= n;
    let change = wmean * (state.b0 - previous[d]!) ** 2;
    for (let j = 0; j < d; j++) {
      const diff = beta[j]! - previous[j]!;
      if (diff === 0) continue;
      const c = cols[j]!;
      let vj = 0;
      for (let i = 0; i < n; i++) vj += w[i]! * c[i]! * c[i]!;
      change = Math.max(change, (vj / n) * diff * diff);
    }
    if (change < 10 * state.tol) return true;
  }
  return false;
}
