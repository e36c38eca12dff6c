import { GlassboxError } from '../errors.js';
import type { Rng} from '../rng.js';
import { toRng } from '../rng.js';
import { choleskyFactor, forwardSolve } from './cholesky.js';
import { argmaxOfRows } from './argmax-rows.js';
import { normaliseLogRows } from './normalise-log-rows.js';

export type CovarianceType = 'full' | 'diag';

export interface GaussianMixtureOptions {
  readonly components: number;
  /** 'full' (default) or 'diag'. */
  readonly covariance?: CovarianceType;
  readonly seed?: number | Rng;
  /** EM iterations at most (default 100). */
  readonly maxIterations?: number;
  /** Stop when the mean log-likelihood per point improves by less than this (default 1e-3, as scikit-learn). */
  readonly tolerance?: number;
  /** Added to every covariance diagonal (default 1e-6, as scikit-learn's reg_covar). */
  readonly regularization?: number;
  /** Independent initialisations; the best log-likelihood is kept (default 1). */
  readonly restarts?: number;
}

/** A fitted Gaussian mixture over d-dimensional points. */
export interface GaussianMixture {
  readonly components: number;
  readonly dimension: number;
  readonly covariance: CovarianceType;
  /** Mixing weights π_k (sum 1). */
  readonly weights: Float64Array;
  /** Means, [k, d] row-major. */
  readonly means: Float64Array;
  /** Covariances: [k, d, d] for 'full', [k, d] (the diagonals) for 'diag'. */
  readonly covariances: Float64Array;
  /** Σ_i log p(x_i) of the data it was fitted on. */
  readonly logLikelihood: number;
  /** Bayesian information criterion −2·log L + p·ln n (Schwarz, 1978); lower is better. */
  readonly bic: number;
  /** Free parameters p. */
  readonly parameters: number;
  readonly iterations: number;
  readonly converged: boolean;
}

interface Factors {
  /** Per component: the Cholesky factor L (full) or σ (diag). */
  readonly chol: Float64Array[];
  readonly logDet: Float64Array;
}

const LOG_2PI = Math.log(2 * Math.PI);

function check(x: ArrayLike<number>, n: number, d: number, k: number): void {
  if (!(Number.isInteger(n) && Number.isInteger(d) && n >= 1 && d >= 1 && x.length === n * d)) {
    throw new GlassboxError('shape_mismatch', `Gaussian mixture: ${x.length} values is not n = ${n} points × d = ${d}`, { argument: 'x', hint: 'Pass [n, d] row-major points.' });
  }
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) {
    throw new GlassboxError('invalid_argument', `Gaussian mixture: ${k} components for ${n} points; need 1 ≤ components ≤ points`, { argument: 'components', hint: 'Use fewer components.' });
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new GlassboxError('invalid_input', `Gaussian mixture: point ${Math.floor(i / d)} has a non-finite value`, { row: Math.floor(i / d), argument: 'x', hint: 'Drop or impute non-finite values.' });
  }
}

/** Free parameters of a k-component mixture in d dimensions: means, covariances, k − 1 weights. */
export function mixtureParameterCount(k: number, d: number, covariance: CovarianceType): number {
  return k * d + (covariance === 'full' ? (k * d * (d + 1)) / 2 : k * d) + k - 1;
}

/** k-means++ seeding (Arthur & Vassilvitskii, 2007): each new centre drawn with probability ∝ squared distance to the nearest chosen one. */
export function kMeansPlusPlus(x: ArrayLike<number>, n: number, d: number, k: number, rng: Rng): Float64Array {
  const centres = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) centres[c * d + j] = x[pick * d + j]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j]! - centres[c * d + j]!) ** 2;
      if (s < nearest[i]!) nearest[i] = s;
      total += nearest[i]!;
    }
    if (c + 1 === k) break;
    if (!(total > 0)) {
      pick = rng.int(n);
      continue;
    }
    let u = rng.next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      u -= nearest[i]!;
      if (u < 0) {
        pick = i;
        break;
      }
    }
  }
  return centres;
}

/** Hard assignment of each point to its nearest centre after a few Lloyd iterations from `centres`. */
export function lloyd(x: ArrayLike<number>, n: number, d: number, k: number, centres: Float64Array, iterations: number): Int32Array {
  const labels = new Int32Array(n);
  for (let it = 0; it <= iterations; it++) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDist = Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (x[i * d + j]! - centres[c * d + j]!) ** 2;
        if (s < bestDist) {
          bestDist = s;
          best = c;
        }
      }
      labels[i] = best;
    }
    if (it === iterations) break;
    const counts = new Float64Array(k);
    const sums = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      counts[labels[i]!]! += 1;
      for (let j = 0; j < d; j++) sums[labels[i]! * d + j]! += x[i * d + j]!;
    }
    for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j]! / counts[c]!;
  }
  return labels;
}

/** M-step: weights, means and covariances from responsibilities r [n, k]. */
export function maximise(x: ArrayLike<number>, n: number, d: number, k: number, r: Float64Array, type: CovarianceType, reg: number): { weights: Float64Array; means: Float64Array; covariances: Float64Array } {
  const weights = new Float64Array(k);
  const means = new Float64Array(k * d);
  const covariances = new Float64Array(type === 'full' ? k * d * d : k * d);
  for (let c = 0; c < k; c++) {
    let nk = 0;
    for (let i = 0; i < n; i++) nk += r[i * k + c]!;
    nk += 10 * Number.EPSILON;
    weights[c] = nk / n;
    for (let i = 0; i < n; i++) {
      const w = r[i * k + c]!;
      if (w === 0) continue;
      for (let j = 0; j < d; j++) means[c * d + j]! += w * x[i * d + j]!;
    }
    for (let j = 0; j < d; j++) means[c * d + j]! /= nk;
    const diff = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const w = r[i * k + c]!;
      if (w === 0) continue;
      for (let j = 0; j < d; j++) diff[j] = x[i * d + j]! - means[c * d + j]!;
      if (type === 'full') {
        const o = c * d * d;
        for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) covariances[o + a * d + b]! += w * diff[a]! * diff[b]!;
      } else {
        for (let j = 0; j < d; j++) covariances[c * d + j]! += w * diff[j]! * diff[j]!;
      }
    }
    if (type === 'full') {
      const o = c * d * d;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = covariances[o + a * d + b]! / nk + (a === b ? reg : 0);
          covariances[o + a * d + b] = v;
          covariances[o + b * d + a] = v;
        }
      }
    } else {
      for (let j = 0; j < d; j++) covariances[c * d + j] = covariances[c * d + j]! / nk + reg;
    }
  }
  return { weights, means, covariances };
}

function factorise(covariances: Float64Array, k: number, d: number, type: CovarianceType): Factors {
  const chol: Float64Array[] = [];
  const logDet = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    if (type === 'full') {
      const l = choleskyFactor(covariances.subarray(c * d * d, (c + 1) * d * d), d);
      if (!l) {
        throw new GlassboxError('not_converged', `Gaussian mixture: the covariance of component ${c} is not positive definite`, { hint: 'Raise the regularization, use diagonal covariances or fewer components.' });
      }
      chol.push(l);
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.log(l[j * d + j]!);
      logDet[c] = 2 * s;
    } else {
      const sd = new Float64Array(d);
      let s = 0;
      for (let j = 0; j < d; j++) {
        sd[j] = Math.sqrt(covariances[c * d + j]!);
        s += Math.log(covariances[c * d + j]!);
      }
      chol.push(sd);
      logDet[c] = s;
    }
  }
  return { chol, logDet };
}

/** log N(x_i | μ_c, Σ_c) + log π_c for every point and component, [n, k]. */
function weightedLogDensities(x: ArrayLike<number>, n: number, model: Pick<GaussianMixture, 'components' | 'dimension' | 'covariance' | 'weights' | 'means'>, f: Factors): Float64Array {
  const { components: k, dimension: d } = model;
  const out = new Float64Array(n * k);
  const diff = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    const base = Math.log(model.weights[c]!) - 0.5 * (d * LOG_2PI + f.logDet[c]!);
    const l = f.chol[c]!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) diff[j] = x[i * d + j]! - model.means[c * d + j]!;
      let q = 0;
      if (model.covariance === 'full') {
        const z = forwardSolve(l, diff, d);
        for (let j = 0; j < d; j++) q += z[j]! * z[j]!;
      } else {
        for (let j = 0; j < d; j++) q += (diff[j]! / l[j]!) ** 2;
      }
      out[i * k + c] = base - 0.5 * q;
    }
  }
  return out;
}


function fitOnce(x: ArrayLike<number>, n: number, d: number, k: number, type: CovarianceType, rng: Rng, maxIterations: number, tolerance: number, reg: number): GaussianMixture {
  const labels = lloyd(x, n, d, k, kMeansPlusPlus(x, n, d, k, rng), 10);
  let r: Float64Array = new Float64Array(n * k);
  for (let i = 0; i < n; i++) r[i * k + labels[i]!] = 1;
  let params = maximise(x, n, d, k, r, type, reg);
  let previous = -Infinity;
  let logLikelihood = -Infinity;
  let converged = false;
  let iterations = 0;
  for (iterations = 1; iterations <= maxIterations; iterations++) {
    const model = { components: k, dimension: d, covariance: type, ...params };
    r = weightedLogDensities(x, n, model, factorise(params.covariances, k, d, type));
    logLikelihood = normaliseLogRows(r, n, k).logNormaliser;
    if (Math.abs(logLikelihood / n - previous / n) < tolerance) {
      converged = true;
      break;
    }
    previous = logLikelihood;
    params = maximise(x, n, d, k, r, type, reg);
  }
  const parameters = mixtureParameterCount(k, d, type);
  return Object.freeze({ components: k, dimension: d, covariance: type, ...params, logLikelihood, bic: -2 * logLikelihood + parameters * Math.log(n), parameters, iterations: Math.min(iterations, maxIterations), converged });
}

/**
 * Fits a Gaussian mixture by expectation–maximisation (Dempster, Laird & Rubin, 1977) from a
 * k-means++ initialisation refined by ten Lloyd iterations, with scikit-learn's defaults
 * (tolerance 1e-3 on the mean log-likelihood, covariance regularisation 1e-6). Seeded: the same
 * points and seed give the same mixture.
 */
export function fitGaussianMixture(x: ArrayLike<number>, n: number, d: number, options: GaussianMixtureOptions): GaussianMixture {
  const k = options.components;
  check(x, n, d, k);
  const type = options.covariance ?? 'full';
  const rng = toRng(options.seed ?? 0);
  const restarts = options.restarts ?? 1;
  let best: GaussianMixture | undefined;
  for (let s = 0; s < restarts; s++) {
    const fitted = fitOnce(x, n, d, k, type, rng.fork(), options.maxIterations ?? 100, options.tolerance ?? 1e-3, options.regularization ?? 1e-6);
    if (!best || fitted.logLikelihood > best.logLikelihood) best = fitted;
  }
  return best!;
}

export interface MixtureSelection {
  readonly best: GaussianMixture;
  /** Every candidate's BIC, by number of components. */
  readonly candidates: readonly { readonly components: number; readonly bic: number; readonly logLikelihood: number }[];
}

/**
 * Fits mixtures with minComponents … maxComponents (capped at n) and keeps the one with the lowest
 * BIC (Schwarz, 1978), the model choice Defuse's distillation step allows besides a Dirichlet process.
 */
export function selectGaussianMixture(x: ArrayLike<number>, n: number, d: number, options: Omit<GaussianMixtureOptions, 'components'> & { minComponents?: number; maxComponents?: number }): MixtureSelection {
  const lo = options.minComponents ?? 1;
  const hi = Math.min(options.maxComponents ?? 10, n);
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && lo <= hi)) {
    throw new GlassboxError('invalid_argument', `Gaussian mixture: component range ${lo}…${hi} is empty (n = ${n})`, { argument: 'maxComponents', hint: 'Give 1 ≤ minComponents ≤ maxComponents ≤ number of points.' });
  }
  const rng = toRng(options.seed ?? 0);
  const candidates: { components: number; bic: number; logLikelihood: number }[] = [];
  let best: GaussianMixture | undefined;
  for (let k = lo; k <= hi; k++) {
    const fitted = fitGaussianMixture(x, n, d, { ...options, components: k, seed: rng.fork() });
    candidates.push({ components: k, bic: fitted.bic, logLikelihood: fitted.logLikelihood });
    if (!best || fitted.bic < best.bic) best = fitted;
  }
  return { best: best!, candidates };
}

/** Posterior component probabilities p(c | x_i), [n, k]. */
export function mixtureResponsibilities(model: GaussianMixture, x: ArrayLike<number>, n: number): Float64Array {
  check(x, n, model.dimension, 1);
  const r = weightedLogDensities(x, n, model, factorise(model.covariances, model.components, model.dimension, model.covariance));
  normaliseLogRows(r, n, model.components);
  return r;
}

/** The most probable component of each point. */
export function mixturePredict(model: GaussianMixture, x: ArrayLike<number>, n: number): Int32Array {
  return argmaxOfRows(mixtureResponsibilities(model, x, n), n, model.components);
}

/** Total log-likelihood Σ_i log p(x_i) under the mixture. */
export function mixtureLogLikelihood(model: GaussianMixture, x: ArrayLike<number>, n: number): number {
  check(x, n, model.dimension, 1);
  const r = weightedLogDensities(x, n, model, factorise(model.covariances, model.components, model.dimension, model.covariance));
  return normaliseLogRows(r, n, model.components).logNormaliser;
}

/** `count` draws from N(μ_c, Σ_c) (component c), [count, d] row-major: μ + L·ε with seeded ε. */
export function sampleMixtureComponent(model: GaussianMixture, component: number, count: number, seed: number | Rng): Float64Array {
  const { dimension: d } = model;
  if (!(Number.isInteger(component) && component >= 0 && component < model.components)) {
    throw new GlassboxError('invalid_argument', `Gaussian mixture: no component ${component} (it has ${model.components})`, { argument: 'component', hint: `Use 0 … ${model.components - 1}.` });
  }
  const rng = toRng(seed);
  const f = factorise(model.covariances, model.components, d, model.covariance);
  const l = f.chol[component]!;
  const out = new Float64Array(count * d);
  const eps = new Float64Array(d);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < d; j++) eps[j] = rng.normal();
    for (let a = 0; a < d; a++) {
      let s = model.means[component * d + a]!;
      if (model.covariance === 'full') for (let b = 0; b <= a; b++) s += l[a * d + b]! * eps[b]!;
      else s += l[a]! * eps[a]!;
      out[i * d + a] = s;
    }
  }
  return out;
}
