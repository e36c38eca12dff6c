import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { DenseHead } from '../../model/dense-head.js';
import { denseLogits } from '../../model/dense-head.js';
import type { Tensor } from '../../model/tensor.js';
import { Rng } from '../../rng.js';
import type { PassOptions } from '../predictive/run-options.js';
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
  readonly hessian: 'diagonal-ggn';
  readonly layer: string;
  readonly featureLayer: string;
  /** Rows the Hessian was summed over. */
  readonly nFit: number;
  readonly priorPrecision: number;
  /** 'marginal-likelihood': λ maximises the Laplace evidence (see `optimalPriorPrecision`); 'given': set by the caller. */
  readonly priorPrecisionMethod: 'marginal-likelihood' | 'given';
  /** GGN diagonal, (d + 1) × outputs: d weight rows, then the bias row. */
  readonly hessianDiagonal: Float64Array;
  /** 1 / (H + λ), same layout. */
  readonly posteriorVariance: Float64Array;
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
export async function fitLastLayerLaplace(head: DenseHead, fitRows: Tensor, options: { priorPrecision?: number; signal?: AbortSignal } = {}): Promise<LastLayerLaplace> {
  const n = fitRows.shape[0]!;
  if (n < 1) throw new GlassboxError('invalid_input', 'Last-layer Laplace needs at least one row to fit its Hessian on', { argument: 'fitRows', hint: 'Pass the training inputs.' });
  if (options.priorPrecision !== undefined && !(options.priorPrecision > 0 && Number.isFinite(options.priorPrecision))) {
    throw new GlassboxError('invalid_argument', `The prior precision must be a positive number (got ${options.priorPrecision})`, { argument: '--prior-precision' });
  }
  const { inputs: d, outputs: k } = head;
  const phi = await head.features(fitRows, options.signal ? { signal: options.signal } : {});
  throwIfAborted(options.signal);
  const p = probabilities(denseLogits(head, phi, n), n, k, head.activation);
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
  let norm = 0;
  for (const w of head.weights) norm += w * w;
  for (const b of head.bias) norm += b * b;
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
  const sd = new Float64Array(n * k);
  const v = fit.posteriorVariance;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = v[d * k + c]!;
      for (let j = 0; j < d; j++) {
        const f = phi[i * d + j]!;
        s += f * f * v[j * k + c]!;
      }
      sd[i * k + c] = Math.sqrt(s);
    }
  }
  const K = k === 1 ? 2 : k;
  const data = new Float32Array(S * n * K);
  const root = new Rng(options.seed ?? 0);
  const z = new Float64Array(n * k);
  for (let s = 0; s < S; s++) {
    throwIfAborted(options.signal);
    const rng = root.fork();
    for (let t = 0; t < z.length; t++) z[t] = mean[t]! + sd[t]! * rng.normal();
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
