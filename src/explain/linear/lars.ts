import { solveDense } from '../../math/dense.js';

/** One LARS path: coefficients after each step (row-major steps × p) and the active set per step. */
export interface LarsPath {
  readonly coefs: Float64Array[];
  /** Features in the order they entered (current active set at the end). */
  readonly active: number[];
}

/**
 * Least-angle regression (Efron, Hastie, Johnstone & Tibshirani 2004, "Least angle regression"),
 * as scikit-learn's `lars_path` without intercept: `method: 'lar'` or `'lasso'` (the lasso
 * modification drops a variable whose coefficient crosses zero). X is row-major n × p, already
 * centred/scaled by the caller. Step 0 is the all-zero model. Stops after `maxIter` steps or when the
 * correlations vanish.
 */
export function larsPath(x: Float64Array, y: Float64Array, n: number, p: number, options: { method: 'lar' | 'lasso'; maxIter?: number }): LarsPath {
  const maxIter = options.maxIter ?? 500;
  const beta = new Float64Array(p);
  const cov = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) cov[j]! += x[i * p + j]! * y[i]!;
  const active: number[] = [];
  const signs: number[] = [];
  const coefs: Float64Array[] = [Float64Array.from(beta)];
  let drop = false;
  for (let iter = 0; iter < maxIter; iter++) {
    let best = -1;
    let cMax = 0;
    for (let j = 0; j < p; j++) {
      if (active.includes(j)) continue;
      if (Math.abs(cov[j]!) > cMax) {
        cMax = Math.abs(cov[j]!);
        best = j;
      }
    }
    if (!drop) {
      if (best < 0 || cMax < 1e-12) break;
      active.push(best);
      signs.push(Math.sign(cov[best]!));
    }
    const cActive = Math.abs(cov[active[0]!]!);
    const step = equiangular(x, n, p, active, signs);
    if (!step) break;
    let gamma = cActive / step.aa;
    for (let j = 0; j < p; j++) {
      if (active.includes(j)) continue;
      const aj = step.a[j]!;
      const g1 = (cActive - cov[j]!) / (step.aa - aj);
      const g2 = (cActive + cov[j]!) / (step.aa + aj);
      if (g1 > 1e-15 && g1 < gamma) gamma = g1;
      if (g2 > 1e-15 && g2 < gamma) gamma = g2;
    }
    drop = false;
    let dropIdx = -1;
    if (options.method === 'lasso') {
      for (let k = 0; k < active.length; k++) {
        const z = -beta[active[k]!]! / step.w[k]!;
        if (z > 1e-15 && z < gamma) {
          gamma = z;
          dropIdx = k;
        }
      }
    }
    for (let k = 0; k < active.length; k++) beta[active[k]!]! += gamma * step.w[k]!;
    for (let j = 0; j < p; j++) cov[j]! -= gamma * step.a[j]!;
    if (dropIdx >= 0) {
      beta[active[dropIdx]!] = 0;
      active.splice(dropIdx, 1);
      signs.splice(dropIdx, 1);
      drop = true;
    }
    coefs.push(Float64Array.from(beta));
    if (active.length >= Math.min(n, p) && !drop) break;
  }
  return { coefs, active };
}

/** The equiangular direction of the active set: weights w (per active), A_A, and a = Xᵀu. */
function equiangular(x: Float64Array, n: number, p: number, active: readonly number[], signs: readonly number[]): { w: Float64Array; aa: number; a: Float64Array } | undefined {
  const k = active.length;
  const gram = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < k; a++) {
      const xa = x[i * p + active[a]!]! * signs[a]!;
      for (let b = a; b < k; b++) gram[a * k + b]! += xa * x[i * p + active[b]!]! * signs[b]!;
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) gram[a * k + b] = gram[b * k + a]!;
  const ones = new Float64Array(k).fill(1);
  const g = solveDense(gram, ones, k);
  if (!g) return undefined;
  let s = 0;
  for (let a = 0; a < k; a++) s += g[a]!;
  if (!(s > 0)) return undefined;
  const aa = 1 / Math.sqrt(s);
  const w = new Float64Array(k);
  for (let a = 0; a < k; a++) w[a] = aa * g[a]! * signs[a]!;
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let a = 0; a < k; a++) sum += x[i * p + active[a]!]! * w[a]!;
    u[i] = sum;
  }
  const av = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) av[j]! += x[i * p + j]! * u[i]!;
  return { w, aa, a: av };
}

/**
 * Lasso model selection by an information criterion along the LARS-lasso path, as scikit-learn's
 * `LassoLarsIC(criterion)` behind `StandardScaler(with_mean=False)`: columns are scaled to unit
 * (population) std and centred with y (fit_intercept=True); criterion =
 * n·log(2πσ²) + RSS/σ² + K·df with K = 2 (aic) or log n (bic) and σ² from the full OLS fit.
 * Returns the indices of the selected (nonzero) features.
 */
export function lassoLarsIc(x: Float64Array, y: Float64Array, n: number, p: number, criterion: 'aic' | 'bic'): number[] {
  const { xs, ys } = centreScale(x, y, n, p);
  const path = larsPath(xs, ys, n, p, { method: 'lasso' });
  const noise = noiseVariance(xs, ys, n, p);
  const k = criterion === 'aic' ? 2 : Math.log(n);
  let bestScore = Infinity;
  let bestCoef = path.coefs[0]!;
  for (const coef of path.coefs) {
    let rss = 0;
    for (let i = 0; i < n; i++) {
      let r = ys[i]!;
      for (let j = 0; j < p; j++) r -= xs[i * p + j]! * coef[j]!;
      rss += r * r;
    }
    let df = 0;
    for (let j = 0; j < p; j++) if (Math.abs(coef[j]!) > 1e-15) df++;
    const score = n * Math.log(2 * Math.PI * noise) + rss / noise + k * df;
    if (score < bestScore) {
      bestScore = score;
      bestCoef = coef;
    }
  }
  const out: number[] = [];
  for (let j = 0; j < p; j++) if (bestCoef[j] !== 0) out.push(j);
  return out;
}

function centreScale(x: Float64Array, y: Float64Array, n: number, p: number): { xs: Float64Array; ys: Float64Array } {
  const xs = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    let mean = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      mean += x[i * p + j]!;
      sq += x[i * p + j]! ** 2;
    }
    mean /= n;
    const std = Math.sqrt(Math.max(sq / n - mean * mean, 0)) || 1;
    for (let i = 0; i < n; i++) xs[i * p + j] = x[i * p + j]! / std - mean / std;
  }
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i]!;
  yMean /= n;
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) ys[i] = y[i]! - yMean;
  return { xs, ys };
}

function noiseVariance(xs: Float64Array, ys: Float64Array, n: number, p: number): number {
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      rhs[a]! += xs[i * p + a]! * ys[i]!;
      for (let b = 0; b < p; b++) gram[a * p + b]! += xs[i * p + a]! * xs[i * p + b]!;
    }
  }
  for (let a = 0; a < p; a++) gram[a * p + a]! += 1e-12;
  const beta = solveDense(gram, rhs, p) ?? new Float64Array(p);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let r = ys[i]!;
    for (let j = 0; j < p; j++) r -= xs[i * p + j]! * beta[j]!;
    rss += r * r;
  }
  return Math.max(rss / Math.max(n - p - 1, 1), 1e-300);
}
