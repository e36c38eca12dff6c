import { GlassboxError } from '../errors.js';
import type { Rng } from '../rng.js';
import { toRng } from '../rng.js';
import { choleskyFactor, forwardSolve } from './cholesky.js';
import { kMeansPlusPlus, lloyd, maximise, mixtureParameterCount, type GaussianMixture } from './gaussian-mixture.js';
import { digamma, logGamma } from './stats/special.js';
import { argmaxOfRows } from './argmax-rows.js';
import { normaliseLogRows } from './normalise-log-rows.js';

export interface DirichletProcessMixtureOptions {
  /** Truncation level T: most components (default 10, at most the number of points). */
  readonly truncation?: number;
  /** Concentration α of the stick-breaking prior (default 1/T, as scikit-learn). */
  readonly concentration?: number;
  readonly seed?: number | Rng;
  /** Coordinate-ascent iterations at most (default 100). */
  readonly maxIterations?: number;
  /** Stop when the lower bound per point improves by less than this (default 1e-3, as scikit-learn). */
  readonly tolerance?: number;
  /** Added to every covariance diagonal (default 1e-6, as scikit-learn's reg_covar). */
  readonly regularization?: number;
}

/**
 * The variational posterior of a truncated Dirichlet-process mixture of full-covariance Gaussians.
 * Per component k: Beta(γ₁ₖ, γ₂ₖ) for its stick-breaking fraction and a Normal-Wishart for its mean
 * and precision, N(μ | mₖ, (βₖΛ)⁻¹)·W(Λ | Wₖ, νₖ).
 */
export interface DirichletProcessMixture {
  readonly truncation: number;
  readonly dimension: number;
  readonly concentration: number;
  /** Beta parameters of the sticks, [T, 2] (γ₁, γ₂). */
  readonly sticks: Float64Array;
  /** βₖ, the mean's precision scale. */
  readonly meanPrecision: Float64Array;
  /** mₖ, [T, d]. */
  readonly means: Float64Array;
  /** νₖ, the Wishart degrees of freedom. */
  readonly degreesOfFreedom: Float64Array;
  /** Wₖ⁻¹, the inverse Wishart scales, [T, d, d]. */
  readonly scaleInverses: Float64Array;
  /** The priors: β₀, m₀ (the data mean), ν₀ = d, W₀⁻¹ (the data covariance). */
  readonly prior: { readonly meanPrecision: number; readonly mean: Float64Array; readonly degreesOfFreedom: number; readonly scaleInverse: Float64Array };
  /** Point estimate: weights E[πₖ], means mₖ, covariances E[Λₖ]⁻¹ = Wₖ⁻¹/νₖ; its log-likelihood and BIC on the data. */
  readonly mixture: GaussianMixture;
  /** Lower bound (up to a constant) after each iteration; non-decreasing. */
  readonly lowerBounds: readonly number[];
  readonly iterations: number;
  readonly converged: boolean;
}

const LOG_2PI = Math.log(2 * Math.PI);
const LOG_2 = Math.log(2);

function betaLn(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** E[log πₖ] under the stick-breaking posterior: ψ(γ₁ₖ) − ψ(γ₁ₖ + γ₂ₖ) + Σ_{j<k} [ψ(γ₂ⱼ) − ψ(γ₁ⱼ + γ₂ⱼ)]. */
export function expectedLogStickWeights(sticks: Float64Array, t: number): Float64Array {
  const out = new Float64Array(t);
  let before = 0;
  for (let k = 0; k < t; k++) {
    const a = sticks[2 * k]!;
    const b = sticks[2 * k + 1]!;
    const sum = digamma(a + b);
    out[k] = digamma(a) - sum + before;
    before += digamma(b) - sum;
  }
  return out;
}

/** E[πₖ] = E[vₖ]·Π_{j<k} (1 − E[vⱼ]) with vₖ ~ Beta(γ₁ₖ, γ₂ₖ) independent. */
function expectedStickWeights(sticks: Float64Array, t: number): Float64Array {
  const out = new Float64Array(t);
  let rest = 1;
  for (let k = 0; k < t; k++) {
    const v = sticks[2 * k]! / (sticks[2 * k]! + sticks[2 * k + 1]!);
    out[k] = rest * v;
    rest *= 1 - v;
  }
  return out;
}

interface Posterior {
  sticks: Float64Array;
  beta: Float64Array;
  means: Float64Array;
  nu: Float64Array;
  scaleInverses: Float64Array;
  /** Cholesky factor of each Wₖ⁻¹ and log|Wₖ⁻¹|. */
  chol: Float64Array[];
  logDetScaleInverse: Float64Array;
}

/** The variational M-step (Blei & Jordan, 2006; Bishop, 2006, eqs. 10.58–10.63 with stick-breaking weights). */
function updatePosterior(x: ArrayLike<number>, n: number, d: number, t: number, r: Float64Array, alpha: number, beta0: number, m0: Float64Array, nu0: number, w0inv: Float64Array, reg: number): Posterior {
  const { weights, means: xbar, covariances: s } = maximise(x, n, d, t, r, 'full', reg);
  const nk = Float64Array.from(weights, (w) => w * n);
  const sticks = new Float64Array(2 * t);
  let tail = 0;
  for (let k = t - 1; k >= 0; k--) {
    sticks[2 * k] = 1 + nk[k]!;
    sticks[2 * k + 1] = alpha + tail;
    tail += nk[k]!;
  }
  const beta = new Float64Array(t);
  const means = new Float64Array(t * d);
  const nu = new Float64Array(t);
  const scaleInverses = new Float64Array(t * d * d);
  const chol: Float64Array[] = [];
  const logDetScaleInverse = new Float64Array(t);
  for (let k = 0; k < t; k++) {
    beta[k] = beta0 + nk[k]!;
    nu[k] = nu0 + nk[k]!;
    for (let j = 0; j < d; j++) means[k * d + j] = (beta0 * m0[j]! + nk[k]! * xbar[k * d + j]!) / beta[k]!;
    const shrink = (beta0 * nk[k]!) / beta[k]!;
    const o = k * d * d;
    for (let a = 0; a < d; a++) {
      const da = xbar[k * d + a]! - m0[a]!;
      for (let b = 0; b < d; b++) scaleInverses[o + a * d + b] = w0inv[a * d + b]! + nk[k]! * s[o + a * d + b]! + shrink * da * (xbar[k * d + b]! - m0[b]!);
    }
    const l = choleskyFactor(scaleInverses.subarray(o, o + d * d), d);
    if (!l) throw new GlassboxError('not_converged', `Dirichlet-process mixture: the scale matrix of component ${k} is not positive definite`, { hint: 'Raise the regularization or check the data for constant or duplicate columns.' });
    chol.push(l);
    let logDet = 0;
    for (let j = 0; j < d; j++) logDet += 2 * Math.log(l[j * d + j]!);
    logDetScaleInverse[k] = logDet;
  }
  return { sticks, beta, means, nu, scaleInverses, chol, logDetScaleInverse };
}

/** Unnormalised log responsibilities log ρₙₖ (Bishop eq. 10.46 with 10.64–10.66), [n, T]. */
function logRho(x: ArrayLike<number>, n: number, d: number, t: number, p: Posterior): Float64Array {
  const logPi = expectedLogStickWeights(p.sticks, t);
  const out = new Float64Array(n * t);
  const diff = new Float64Array(d);
  for (let k = 0; k < t; k++) {
    // E[log|Λ|] = Σᵢ ψ((ν + 1 − i)/2) + d log 2 + log|W|
    let eLogDet = d * LOG_2 - p.logDetScaleInverse[k]!;
    for (let i = 1; i <= d; i++) eLogDet += digamma((p.nu[k]! + 1 - i) / 2);
    const constant = logPi[k]! + 0.5 * eLogDet - 0.5 * d * LOG_2PI - (0.5 * d) / p.beta[k]!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) diff[j] = x[i * d + j]! - p.means[k * d + j]!;
      // (x − m)ᵀ W (x − m) = ‖L⁻¹(x − m)‖² with L Lᵀ = W⁻¹
      const z = forwardSolve(p.chol[k]!, diff, d);
      let q = 0;
      for (let j = 0; j < d; j++) q += z[j]! * z[j]!;
      out[i * t + k] = constant - 0.5 * p.nu[k]! * q;
    }
  }
  return out;
}


/**
 * The variational lower bound up to terms constant in the variational parameters, as scikit-learn's
 * BayesianGaussianMixture computes it: at the optimum of the parameters given the responsibilities, each
 * conjugate factor contributes the log of its normalising integral, so the bound is
 * −Σ r log r − Σₖ log B(Wₖ, νₖ) + Σₖ ln Beta(γ₁ₖ, γ₂ₖ) − (d/2) Σₖ log βₖ, with B(W, ν) the Wishart
 * density's normalising factor (Bishop B.79).
 */
function lowerBound(negEntropy: number, p: Posterior, d: number, t: number): number {
  let wishart = 0;
  let sticks = 0;
  let beta = 0;
  for (let k = 0; k < t; k++) {
    const nu = p.nu[k]!;
    // log B(ν, W) = −(ν/2) log|W| − (νd/2) log 2 − log Γ_d(ν/2), with log|W| = −log|W⁻¹| and the Γ_d constant dropped
    let lg = 0;
    for (let i = 0; i < d; i++) lg += logGamma(0.5 * (nu - i));
    wishart += 0.5 * nu * p.logDetScaleInverse[k]! - 0.5 * nu * d * LOG_2 - lg;
    sticks += betaLn(p.sticks[2 * k]!, p.sticks[2 * k + 1]!);
    beta += Math.log(p.beta[k]!);
  }
  return -negEntropy - wishart + sticks - 0.5 * d * beta;
}

function pointEstimate(x: ArrayLike<number>, n: number, d: number, t: number, p: Posterior, iterations: number, converged: boolean): GaussianMixture {
  const weights = expectedStickWeights(p.sticks, t);
  const total = weights.reduce((a, b) => a + b, 0);
  for (let k = 0; k < t; k++) weights[k] = weights[k]! / total;
  const covariances = new Float64Array(t * d * d);
  for (let k = 0; k < t; k++) for (let e = 0; e < d * d; e++) covariances[k * d * d + e] = p.scaleInverses[k * d * d + e]! / p.nu[k]!;
  let logLikelihood = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    const terms = new Float64Array(t);
    for (let k = 0; k < t; k++) {
      const l = choleskyFactor(covariances.subarray(k * d * d, (k + 1) * d * d), d)!;
      let logDet = 0;
      for (let j = 0; j < d; j++) logDet += 2 * Math.log(l[j * d + j]!);
      const diff = new Float64Array(d);
      for (let j = 0; j < d; j++) diff[j] = x[i * d + j]! - p.means[k * d + j]!;
      const z = forwardSolve(l, diff, d);
      let q = 0;
      for (let j = 0; j < d; j++) q += z[j]! * z[j]!;
      terms[k] = Math.log(weights[k]!) - 0.5 * (d * LOG_2PI + logDet + q);
      max = Math.max(max, terms[k]!);
    }
    let s = 0;
    for (let k = 0; k < t; k++) s += Math.exp(terms[k]! - max);
    logLikelihood += max + Math.log(s);
  }
  const parameters = mixtureParameterCount(t, d, 'full');
  return { components: t, dimension: d, covariance: 'full', weights, means: Float64Array.from(p.means), covariances, logLikelihood, bic: -2 * logLikelihood + parameters * Math.log(n), parameters, iterations, converged };
}

/**
 * Fits a Dirichlet-process mixture of full-covariance Gaussians by truncated variational inference
 * (Blei & Jordan, "Variational inference for Dirichlet process mixtures", Bayesian Analysis 2006): the
 * mean-field posterior over stick-breaking weights (Beta), component means and precisions
 * (Normal-Wishart) and assignments is found by coordinate ascent, which never lowers the bound.
 * Defuse's paper distils its failure scenarios with this model; components the data do not need keep
 * weights near 0 instead of being chosen by a criterion. Priors as scikit-learn's
 * BayesianGaussianMixture: α = 1/T, β₀ = 1, m₀ = the data mean, ν₀ = d, W₀⁻¹ = the data covariance.
 * Initialised from k-means++ and Lloyd steps (hard assignments), seeded.
 */
export function fitDirichletProcessMixture(x: ArrayLike<number>, n: number, d: number, options: DirichletProcessMixtureOptions = {}): DirichletProcessMixture {
  if (!(Number.isInteger(n) && Number.isInteger(d) && n >= 1 && d >= 1 && x.length === n * d)) {
    throw new GlassboxError('shape_mismatch', `Dirichlet-process mixture: ${x.length} values is not n = ${n} points × d = ${d}`, { argument: 'x', hint: 'Pass [n, d] row-major points.' });
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new GlassboxError('invalid_input', `Dirichlet-process mixture: point ${Math.floor(i / d)} has a non-finite value`, { row: Math.floor(i / d), argument: 'x', hint: 'Drop or impute non-finite values.' });
  }
  const requested = options.truncation ?? 10;
  if (!(Number.isInteger(requested) && requested >= 1)) throw new GlassboxError('invalid_argument', `Dirichlet-process mixture: truncation must be an integer ≥ 1 (got ${requested})`, { argument: 'truncation', hint: 'Use e.g. 10.' });
  const t = Math.min(requested, n);
  const alpha = options.concentration ?? 1 / t;
  if (!(Number.isFinite(alpha) && alpha > 0)) throw new GlassboxError('invalid_argument', `Dirichlet-process mixture: concentration must be > 0 (got ${alpha})`, { argument: 'concentration', hint: 'Use e.g. 1.' });
  const reg = options.regularization ?? 1e-6;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-3;
  const rng = toRng(options.seed ?? 0);
  // priors
  const m0 = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) m0[j]! += x[i * d + j]! / n;
  const w0inv = new Float64Array(d * d);
  if (n >= 2) {
    for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) w0inv[a * d + b]! += ((x[i * d + a]! - m0[a]!) * (x[i * d + b]! - m0[b]!)) / (n - 1);
  }
  for (let a = 0; a < d; a++) w0inv[a * d + a]! += n >= 2 ? reg : 1;
  const beta0 = 1;
  const nu0 = d;
  // initial hard assignments
  const labels = t === 1 ? new Int32Array(n) : lloyd(x, n, d, t, kMeansPlusPlus(x, n, d, t, rng), 10);
  let r: Float64Array = new Float64Array(n * t);
  for (let i = 0; i < n; i++) r[i * t + labels[i]!] = 1;
  let posterior = updatePosterior(x, n, d, t, r, alpha, beta0, m0, nu0, w0inv, reg);
  const bounds: number[] = [];
  let converged = false;
  let iterations = 0;
  for (let it = 1; it <= maxIterations; it++) {
    iterations = it;
    r = logRho(x, n, d, t, posterior);
    const { negEntropy } = normaliseLogRows(r, n, t);
    posterior = updatePosterior(x, n, d, t, r, alpha, beta0, m0, nu0, w0inv, reg);
    bounds.push(lowerBound(negEntropy, posterior, d, t));
    if (bounds.length >= 2 && Math.abs(bounds.at(-1)! - bounds.at(-2)!) / n < tolerance) {
      converged = true;
      break;
    }
  }
  return {
    truncation: t,
    dimension: d,
    concentration: alpha,
    sticks: posterior.sticks,
    meanPrecision: posterior.beta,
    means: posterior.means,
    degreesOfFreedom: posterior.nu,
    scaleInverses: posterior.scaleInverses,
    prior: { meanPrecision: beta0, mean: m0, degreesOfFreedom: nu0, scaleInverse: w0inv },
    mixture: pointEstimate(x, n, d, t, posterior, iterations, converged),
    lowerBounds: bounds,
    iterations,
    converged,
  };
}

/** Variational responsibilities q(zₙ = k) of points under a fitted model, [n, T]. */
export function dirichletProcessResponsibilities(model: DirichletProcessMixture, x: ArrayLike<number>, n: number): Float64Array {
  const { truncation: t, dimension: d } = model;
  if (x.length !== n * d) throw new GlassboxError('shape_mismatch', `Dirichlet-process mixture: ${x.length} values is not n = ${n} points × d = ${d}`, { argument: 'x', hint: 'Pass [n, d] row-major points.' });
  const chol: Float64Array[] = [];
  const logDet = new Float64Array(t);
  for (let k = 0; k < t; k++) {
    const l = choleskyFactor(model.scaleInverses.subarray(k * d * d, (k + 1) * d * d), d)!;
    chol.push(l);
    for (let j = 0; j < d; j++) logDet[k]! += 2 * Math.log(l[j * d + j]!);
  }
  const p: Posterior = { sticks: Float64Array.from(model.sticks), beta: Float64Array.from(model.meanPrecision), means: Float64Array.from(model.means), nu: Float64Array.from(model.degreesOfFreedom), scaleInverses: Float64Array.from(model.scaleInverses), chol, logDetScaleInverse: logDet };
  const r = logRho(x, n, d, t, p);
  normaliseLogRows(r, n, t);
  return r;
}

/** Most responsible component of each point. */
export function dirichletProcessPredict(model: DirichletProcessMixture, x: ArrayLike<number>, n: number): Int32Array {
  return argmaxOfRows(dirichletProcessResponsibilities(model, x, n), n, model.truncation);
}
