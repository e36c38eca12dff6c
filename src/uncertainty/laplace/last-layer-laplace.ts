import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { DenseHead } from '../../model/dense-head.js';
import { denseLogits } from '../../model/dense-head.js';
import type { Tensor } from '../../model/tensor.js';
import { symmetricEigen } from '../../math/symmetric-eigen.js';
import { Rng } from '../../rng.js';
import { yieldToEventLoop, type PassOptions } from '../predictive/run-options.js';
import type { ProbabilitySamples } from '../predictive/summaries.js';

/**
 * A last-layer Laplace approximation (Daxberger et al., "Laplace Redux", NeurIPS 2021): the network up
 * to its penultimate layer is fixed, and the last dense layer's weights θ = (W, b) get the Gaussian
 * posterior N(θ_MAP, (H + λI)⁻¹), with H the diagonal of the generalised Gauss–Newton matrix
 * Σᵢ Jᵢᵀ Λᵢ Jᵢ on the fitting rows (Λᵢ = diag(pᵢ) − pᵢpᵢᵀ for softmax, p(1 − p) for a sigmoid unit;
 * GGN needs no labels) and λ the prior precision of an isotropic Gaussian prior.
 */
export interface LastLayerLaplace {
  readonly method: 'last-layer-laplace';
  /** 'diagonal-ggn': the GGN's diagonal; 'kfac-ggn': its Kronecker factorisation A ⊗ G (Ritter et al. 2018). */
  readonly hessian: 'diagonal-ggn' | 'kfac-ggn';
  readonly layer: string;
  readonly featureLayer: string;
  /** Rows the Hessian was summed over. */
  readonly nFit: number;
  readonly priorPrecision: number;
  /** 'marginal-likelihood': λ maximises the Laplace evidence (see `optimalPriorPrecision`); 'given': set by the caller. */
  readonly priorPrecisionMethod: 'marginal-likelihood' | 'given';
  /** Diagonal: the GGN diagonal, (d + 1) × outputs (d weight rows, then the bias row). KFAC: the eigenvalues aᵢgⱼ of A ⊗ G, same layout. */
  readonly hessianDiagonal: Float64Array;
  /** Diagonal: 1 / (H + λ), same layout (KFAC: 1 / (aᵢgⱼ + λ) in the eigenbasis). */
  readonly posteriorVariance: Float64Array;
  /** KFAC only: A = Σᵢ φ̃ᵢφ̃ᵢᵀ ((d+1)², φ̃ = [φ, 1]) and G = (1/n) Σᵢ Λᵢ (K²) as eigenvalues and eigenvectors (columns). */
  readonly kfac?: { readonly a: Float64Array; readonly ua: Float64Array; readonly g: Float64Array; readonly ug: Float64Array };
  /** The λ-dependent part of the log evidence at the chosen λ (see `logEvidenceTerm`). */
  readonly logEvidenceTerm: number;
}

/**
 * The λ-dependent part of the Laplace log evidence for an isotropic prior N(0, λ⁻¹I) on P parameters:
 * log p(D | λ) = log p(D | θ) − ½ λ‖θ‖² + ½ P log λ − ½ Σⱼ log(hⱼ + λ) + const (Immer et al. 2021; the
 * log-likelihood term does not depend on λ).
 */
export function logEvidenceTerm(lambda: number, hessian: ArrayLike<number>, thetaSquaredNorm: number): number {
  let logDet = 0;
  for (let j = 0; j < hessian.length; j++) logDet += Math.log(hessian[j]! + lambda);
  return -0.5 * lambda * thetaSquaredNorm + 0.5 * hessian.length * Math.log(lambda) - 0.5 * logDet;
}

/**
 * The prior precision that maximises `logEvidenceTerm`: the root of ‖θ‖² = Σⱼ hⱼ / (λ(hⱼ + λ)), whose
 * right side decreases in λ, found by bisection on log λ within [1e-8, 1e8] (to 1e-12 relative).
 */
export function optimalPriorPrecision(hessian: ArrayLike<number>, thetaSquaredNorm: number): number {
  const g = (lambda: number): number => {
    let s = 0;
    for (let j = 0; j < hessian.length; j++) s += hessian[j]! / (lambda * (hessian[j]! + lambda));
    return s - thetaSquaredNorm;
  };
  let lo = Math.log(1e-8);
  let hi = Math.log(1e8);
  if (g(Math.exp(hi)) > 0) return Math.exp(hi);
  if (g(Math.exp(lo)) < 0) return Math.exp(lo);
  for (let it = 0; it < 200 && hi - lo > 1e-12; it++) {
    const mid = 0.5 * (lo + hi);
    if (g(Math.exp(mid)) > 0) lo = mid;
    else hi = mid;
  }
  return Math.exp(0.5 * (lo + hi));
}

/** Class probabilities from logits, in place of a fresh array: softmax over K, or σ for one column. */
function probabilities(z: Float64Array, n: number, k: number, activation: 'softmax' | 'sigmoid'): Float64Array {
  if (activation === 'sigmoid') return Float64Array.from(z, (v) => 1 / (1 + Math.exp(-v)));
  const p = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, z[i * k + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += p[i * k + c] = Math.exp(z[i * k + c]! - max);
    for (let c = 0; c < k; c++) p[i * k + c] = p[i * k + c]! / sum;
  }
  return p;
}

/**
 * Fits the diagonal-GGN last-layer Laplace approximation on `fitRows` (typically the training inputs;
 * no labels needed). λ is `priorPrecision` when given, else chosen by marginal likelihood.
 */
export async function fitLastLayerLaplace(head: DenseHead, fitRows: Tensor, options: { priorPrecision?: number; structure?: 'diagonal' | 'kfac'; signal?: AbortSignal } = {}): Promise<LastLayerLaplace> {
  const n = fitRows.shape[0]!;
  if (n < 1) throw new GlassboxError('invalid_input', 'Last-layer Laplace needs at least one row to fit its Hessian on', { argument: 'fitRows', hint: 'Pass the training inputs.' });
  if (options.priorPrecision !== undefined && !(options.priorPrecision > 0 && Number.isFinite(options.priorPrecision))) {
    throw new GlassboxError('invalid_argument', `The prior precision must be a positive number (got ${options.priorPrecision})`, { argument: '--prior-precision' });
  }
  const { inputs: d, outputs: k } = head;
  const phi = await head.features(fitRows, options.signal ? { signal: options.signal } : {});
  throwIfAborted(options.signal);
  const p = probabilities(denseLogits(head, phi, n), n, k, head.activation);
  let norm = 0;
  for (const w of head.weights) norm += w * w;
  for (const b of head.bias) norm += b * b;
  if (options.structure === 'kfac') return fitKfac(head, phi, p, n, norm, options.priorPrecision);
  const h = new Float64Array((d + 1) * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const pc = p[i * k + c]!;
      const lambda = pc * (1 - pc);
      if (lambda === 0) continue;
      for (let j = 0; j < d; j++) {
        const f = phi[i * d + j]!;
        h[j * k + c] = h[j * k + c]! + f * f * lambda;
      }
      h[d * k + c] = h[d * k + c]! + lambda;
    }
  }
  const lambda = options.priorPrecision ?? optimalPriorPrecision(h, norm);
  return {
    method: 'last-layer-laplace',
    hessian: 'diagonal-ggn',
    layer: head.description,
    featureLayer: head.featureName,
    nFit: n,
    priorPrecision: lambda,
    priorPrecisionMethod: options.priorPrecision === undefined ? 'marginal-likelihood' : 'given',
    hessianDiagonal: h,
    posteriorVariance: Float64Array.from(h, (v) => 1 / (v + lambda)),
    logEvidenceTerm: logEvidenceTerm(lambda, h, norm),
  };
}

/**
 * KFAC: A = Σᵢ φ̃ᵢφ̃ᵢᵀ and G = (1/n) Σᵢ Λᵢ (for softmax Λ = diag(p) − ppᵀ, for a sigmoid unit p(1 − p)),
 * so that A ⊗ G ≈ Σᵢ (φ̃ᵢφ̃ᵢᵀ) ⊗ Λᵢ, the GGN of the last layer with θ ordered feature-major. With
 * A = U_A diag(a) U_Aᵀ and G = U_G diag(g) U_Gᵀ, (A ⊗ G + λI)⁻¹ = (U_A ⊗ U_G) diag(1/(aᵢgⱼ + λ)) (U_A ⊗ U_G)ᵀ.
 */
function fitKfac(head: DenseHead, phi: ArrayLike<number>, p: Float64Array, n: number, norm: number, priorPrecision: number | undefined): LastLayerLaplace {
  const { inputs: d, outputs: k } = head;
  const e = d + 1;
  const A = new Float64Array(e * e);
  const G = new Float64Array(k * k);
  const row = new Float64Array(e);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = phi[i * d + j]!;
    row[d] = 1;
    for (let a = 0; a < e; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      for (let b = 0; b <= a; b++) A[a * e + b] = A[a * e + b]! + ra * row[b]!;
    }
    for (let c = 0; c < k; c++) {
      const pc = p[i * k + c]!;
      for (let c2 = 0; c2 < k; c2++) G[c * k + c2] = G[c * k + c2]! + ((k === 1 ? pc * (1 - pc) : (c === c2 ? pc : 0) - pc * p[i * k + c2]!) / n);
    }
  }
  for (let a = 0; a < e; a++) for (let b = 0; b < a; b++) A[b * e + a] = A[a * e + b]!;
  const ea = symmetricEigen(A, e);
  const eg = symmetricEigen(G, k);
  const clamp = (v: Float64Array): Float64Array => v.map((x) => Math.max(0, x));
  const a = clamp(ea.values);
  const g = clamp(eg.values);
  const h = new Float64Array(e * k);
  for (let i = 0; i < e; i++) for (let j = 0; j < k; j++) h[i * k + j] = a[i]! * g[j]!;
  const lambda = priorPrecision ?? optimalPriorPrecision(h, norm);
  return {
    method: 'last-layer-laplace',
    hessian: 'kfac-ggn',
    layer: head.description,
    featureLayer: head.featureName,
    nFit: n,
    priorPrecision: lambda,
    priorPrecisionMethod: priorPrecision === undefined ? 'marginal-likelihood' : 'given',
    hessianDiagonal: h,
    posteriorVariance: Float64Array.from(h, (v) => 1 / (v + lambda)),
    logEvidenceTerm: logEvidenceTerm(lambda, h, norm),
    kfac: { a, ua: ea.vectors, g, ug: eg.vectors },
  };
}

/**
 * The K × K covariance of the logits z = Wᵀφ̃ under the posterior, for one row's features φ (without the
 * bias 1). Diagonal: diag(Σⱼ φ̃ⱼ² σ²ⱼc). KFAC: U_G diag(Σᵢ (U_Aᵀφ̃)ᵢ² / (aᵢgⱼ + λ)) U_Gᵀ.
 */
export function logitCovariance(fit: LastLayerLaplace, phi: ArrayLike<number>, d: number, k: number): Float64Array {
  const cov = new Float64Array(k * k);
  const v = fit.posteriorVariance;
  if (!fit.kfac) {
    for (let c = 0; c < k; c++) {
      let s = v[d * k + c]!;
      for (let j = 0; j < d; j++) s += phi[j]! ** 2 * v[j * k + c]!;
      cov[c * k + c] = s;
    }
    return cov;
  }
  const scale = kfacScales(fit, phi, d, k);
  const ug = fit.kfac.ug;
  for (let c = 0; c < k; c++) for (let c2 = 0; c2 < k; c2++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += ug[c * k + j]! * scale[j]! * ug[c2 * k + j]!;
    cov[c * k + c2] = s;
  }
  return cov;
}

/** KFAC: the variance of the logits along each eigenvector of G, Σᵢ (U_Aᵀφ̃)ᵢ² / (aᵢgⱼ + λ). */
function kfacScales(fit: LastLayerLaplace, phi: ArrayLike<number>, d: number, k: number): Float64Array {
  const { ua } = fit.kfac!;
  const e = d + 1;
  const v = fit.posteriorVariance;
  const out = new Float64Array(k);
  for (let i = 0; i < e; i++) {
    let proj = ua[d * e + i]!;
    for (let j = 0; j < d; j++) proj += ua[j * e + i]! * phi[j]!;
    const c2 = proj * proj;
    for (let j = 0; j < k; j++) out[j] = out[j]! + c2 * v[i * k + j]!;
  }
  return out;
}

/**
 * Posterior predictive samples [S, n, K] by Monte Carlo over the last layer's weights: with a diagonal
 * posterior, each logit z_c = φᵀW_{·c} + b_c is Gaussian with mean z_MAP,c and variance
 * Σⱼ φⱼ² σ²ⱼc + σ²_b,c, independent across c, so the logits are drawn from that Gaussian directly (the
 * exact push-forward per row). Seeded: draw s uses the s-th child stream of `Rng(seed)`.
 * A single sigmoid unit gives probabilities [1 − σ(z), σ(z)].
 */
export async function laplaceSamples(fit: LastLayerLaplace, head: DenseHead, x: Tensor, options: PassOptions & { samples?: number; seed?: number } = {}): Promise<ProbabilitySamples> {
  const S = options.samples ?? 30;
  if (!Number.isInteger(S) || S < 1) throw new GlassboxError('invalid_argument', `--passes must be a positive integer (got ${S})`, { argument: '--passes' });
  const n = x.shape[0]!;
  const { inputs: d, outputs: k } = head;
  const phi = await head.features(x, options.signal ? { signal: options.signal } : {});
  const mean = denseLogits(head, phi, n);
  // diagonal: independent logits with sd per class; KFAC: sd per eigenvector of G, rotated by U_G
  const sd = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const f = phi.subarray(i * d, (i + 1) * d);
    if (fit.kfac) {
      const scales = kfacScales(fit, f, d, k);
      for (let j = 0; j < k; j++) sd[i * k + j] = Math.sqrt(scales[j]!);
    } else {
      const cov = logitCovariance(fit, f, d, k);
      for (let c = 0; c < k; c++) sd[i * k + c] = Math.sqrt(cov[c * k + c]!);
    }
  }
  const K = k === 1 ? 2 : k;
  const data = new Float32Array(S * n * K);
  const root = new Rng(options.seed ?? 0);
  const z = new Float64Array(n * k);
  for (let s = 0; s < S; s++) {
    await yieldToEventLoop();
    throwIfAborted(options.signal);
    const rng = root.fork();
    if (fit.kfac) {
      const ug = fit.kfac.ug;
      const eps = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < k; j++) eps[j] = sd[i * k + j]! * rng.normal();
        for (let c = 0; c < k; c++) {
          let s2 = mean[i * k + c]!;
          for (let j = 0; j < k; j++) s2 += ug[c * k + j]! * eps[j]!;
          z[i * k + c] = s2;
        }
      }
    } else for (let t = 0; t < z.length; t++) z[t] = mean[t]! + sd[t]! * rng.normal();
    const p = probabilities(z, n, k, head.activation);
    const base = s * n * K;
    if (k === 1) {
      for (let i = 0; i < n; i++) {
        data[base + 2 * i] = 1 - p[i]!;
        data[base + 2 * i + 1] = p[i]!;
      }
    } else data.set(p, base);
    options.onProgress?.(s + 1, S);
  }
  return { data, samples: S, rows: n, classes: K };
}
