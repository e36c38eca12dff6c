import { GlassboxError, throwIfAborted } from '../../errors.js';
import { solveDense } from '../../math/dense.js';

export interface VectorScalingFit {
  /** Per-class multipliers w_k and offsets b_k: probabilities are softmax(w ⊙ z + b). */
  readonly weights: Float64Array;
  readonly biases: Float64Array;
  readonly nllBefore: number;
  readonly nllAfter: number;
  readonly iterations: number;
  readonly gradientNorm: number;
}

export interface VectorScalingOptions {
  /** L2 penalty λ·(Σ(w_k − 1)² + Σ b_k²)/2 per row (default 1e-6): fixes the offsets' common shift, which softmax ignores. */
  readonly l2?: number;
  /** Stop when the gradient's max-norm falls below this (default 1e-9). */
  readonly tolerance?: number;
  readonly signal?: AbortSignal;
}

interface Evaluation { readonly loss: number; readonly gradient: Float64Array; readonly hessian: Float64Array; readonly nll: number }

/** Penalised mean NLL of softmax(w ⊙ z + b), its gradient and Hessian in θ = [w, b]. */
function evaluate(z: Float64Array, y: Int32Array, k: number, theta: Float64Array, l2: number, withHessian: boolean): Evaluation {
  const n = y.length;
  const m = 2 * k;
  const gradient = new Float64Array(m);
  const hessian = new Float64Array(withHessian ? m * m : 0);
  const s = new Float64Array(k);
  const p = new Float64Array(k);
  let nll = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      s[c] = theta[c]! * z[i * k + c]! + theta[k + c]!;
      max = Math.max(max, s[c]!);
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += (p[c] = Math.exp(s[c]! - max));
    for (let c = 0; c < k; c++) p[c]! /= sum;
    nll += max + Math.log(sum) - s[y[i]!]!;
    for (let c = 0; c < k; c++) {
      const r = p[c]! - (y[i] === c ? 1 : 0);
      gradient[c]! += r * z[i * k + c]!;
      gradient[k + c]! += r;
    }
    if (!withHessian) continue;
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        const w = p[a]! * ((a === b ? 1 : 0) - p[b]!);
        if (w === 0) continue;
        const za = z[i * k + a]!;
        const zb = z[i * k + b]!;
        hessian[a * m + b]! += w * za * zb;
        hessian[a * m + k + b]! += w * za;
        hessian[(k + a) * m + b]! += w * zb;
        hessian[(k + a) * m + k + b]! += w;
      }
    }
  }
  let penalty = 0;
  for (let j = 0; j < m; j++) {
    const d = theta[j]! - (j < k ? 1 : 0);
    penalty += d * d;
    gradient[j] = gradient[j]! / n + l2 * d;
    if (withHessian) {
      for (let l = 0; l < m; l++) hessian[j * m + l]! /= n;
      hessian[j * m + j]! += l2;
    }
  }
  return { loss: nll / n + (l2 * penalty) / 2, gradient, hessian, nll: nll / n };
}

/**
 * Vector scaling (Guo et al. 2017, §4.2): a per-class multiplier and offset on the logits,
 * softmax(w ⊙ z + b), fitted by Newton's method with a backtracking line search on the mean NLL (convex
 * in w and b) plus a tiny ridge towards w = 1, b = 0. Logits may be log-probabilities, but the calibrator
 * must then be applied to log-probabilities too (vector scaling is not invariant to a per-row shift).
 */
export function fitVectorScaling(logits: Float64Array, labels: Int32Array, k: number, options: VectorScalingOptions = {}): VectorScalingFit {
  const l2 = options.l2 ?? 1e-6;
  const tolerance = options.tolerance ?? 1e-9;
  const m = 2 * k;
  let theta: Float64Array = new Float64Array(m);
  theta.fill(1, 0, k);
  let current = evaluate(logits, labels, k, theta, l2, true);
  const nllBefore = current.nll;
  let iterations = 0;
  let gradientNorm = maxAbs(current.gradient);
  for (; iterations < 100 && gradientNorm > tolerance; iterations++) {
    throwIfAborted(options.signal);
    const direction = solveDense(current.hessian, current.gradient, m);
    if (!direction) break;
    let step = 1;
    let accepted: { theta: Float64Array; evaluation: Evaluation } | undefined;
    const slope = -dot(direction, current.gradient);
    for (let tries = 0; tries < 40; tries++, step /= 2) {
      const candidate = Float64Array.from(theta, (t, j) => t - step * direction[j]!);
      const evaluation = evaluate(logits, labels, k, candidate, l2, false);
      if (evaluation.loss <= current.loss + 1e-4 * step * slope) {
        accepted = { theta: candidate, evaluation };
        break;
      }
    }
    if (!accepted) break;
    theta = accepted.theta;
    current = evaluate(logits, labels, k, theta, l2, true);
    gradientNorm = maxAbs(current.gradient);
  }
  if (gradientNorm > Math.max(tolerance, 1e-6)) {
    throw new GlassboxError('not_converged', `Vector scaling did not converge (gradient ${gradientNorm.toExponential(2)} after ${iterations} Newton steps).`, { hint: 'Check the logits for extreme values, or use temperature scaling.' });
  }
  return { weights: theta.slice(0, k), biases: theta.slice(k), nllBefore, nllAfter: current.nll, iterations, gradientNorm };
}

/** The scaled logits w ⊙ z + b (softmax them for probabilities). */
export function vectorScaledLogits(logits: ArrayLike<number>, k: number, weights: ArrayLike<number>, biases: ArrayLike<number>): Float64Array {
  const scaled = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) scaled[i] = weights[i % k]! * logits[i]! + biases[i % k]!;
  return scaled;
}

const maxAbs = (v: Float64Array): number => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, x, j) => s + x * b[j]!, 0);
