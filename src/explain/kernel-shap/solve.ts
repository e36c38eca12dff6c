import { invertDense, weightedLeastSquares } from '../../math/dense.js';
import { larsPath, lassoLarsIc } from '../linear/lars.js';
import type { CoalitionPlan } from './sampler.js';

export type L1Option = false | 'auto' | 'aic' | 'bic' | { readonly numFeatures: number };

export interface KernelSolution {
  readonly phi: Float64Array;
  readonly stderr: Float64Array;
}

/**
 * Kernel weights of the evaluated samples: exact weights for the enumerated sizes; for the random part,
 * shap rescales the draw counts to the kernel weight left (`kernelWeights[nfixed:] *= weight_left / sum`).
 */
export function kernelWeights(plan: CoalitionPlan, counts: Float64Array, nSamples: number): Float64Array {
  const w = new Float64Array(nSamples);
  w.set(plan.fixedWeights.subarray(0, Math.min(plan.nFixed, nSamples)));
  let total = 0;
  for (let i = plan.nFixed; i < nSamples; i++) total += counts[i]!;
  const scale = total > 0 ? plan.weightLeft / total : 0;
  for (let i = plan.nFixed; i < nSamples; i++) w[i] = counts[i]! * scale;
  return w;
}

/**
 * shap's `KernelExplainer.solve`: optional L1 selection on the augmented problem, then the weighted
 * least squares with the efficiency constraint Σφ = f(x) − v(∅) enforced by eliminating the last
 * selected variable. Standard errors come from the delta method (sandwich estimator) over the random
 * draws: Cov(β) ≈ H⁻¹ · D·Var(u) · H⁻¹ with H = XᵀWX and u a draw's (pair's) weighted score X·r; the
 * enumerated part carries no sampling error, so a fully enumerated game has stderr 0.
 */
export function solveKernel(args: {
  readonly plan: CoalitionPlan;
  readonly nSamples: number;
  readonly nDraws: number;
  readonly counts: Float64Array;
  /** v(S) − v(∅) per sample. */
  readonly ey: Float64Array;
  /** f(x) − v(∅). */
  readonly total: number;
  readonly l1: L1Option;
}): KernelSolution {
  const { plan, nSamples, ey, total } = args;
  const m = plan.m;
  const weights = kernelWeights(plan, args.counts, nSamples);
  const selected = selectFeatures(args, weights);
  const phi = new Float64Array(m);
  const stderr = new Float64Array(m);
  if (selected.length === 0) return { phi, stderr };
  const last = selected[selected.length - 1]!;
  const p = selected.length - 1;
  const x = new Float64Array(nSamples * p);
  const y = new Float64Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const zLast = plan.masks[i * m + last]!;
    y[i] = ey[i]! - zLast * total;
    for (let a = 0; a < p; a++) x[i * p + a] = plan.masks[i * m + selected[a]!]! - zLast;
  }
  const { beta, gram } = p > 0 ? weightedLeastSquares(x, y, weights, nSamples, p) : { beta: new Float64Array(0), gram: new Float64Array(0) };
  let sum = 0;
  for (let a = 0; a < p; a++) {
    phi[selected[a]!] = beta[a]!;
    sum += beta[a]!;
  }
  phi[last] = total - sum;
  if (p > 0) {
    const cov = sandwich(args, x, y, beta, gram, p, weights);
    if (cov) {
      let all = 0;
      for (let a = 0; a < p; a++) {
        stderr[selected[a]!] = Math.sqrt(Math.max(cov[a * p + a]!, 0));
        for (let b = 0; b < p; b++) all += cov[a * p + b]!;
      }
      stderr[last] = Math.sqrt(Math.max(all, 0));
    }
  }
  return { phi, stderr };
}

function sandwich(args: { plan: CoalitionPlan; nSamples: number; nDraws: number; counts: Float64Array }, x: Float64Array, y: Float64Array, beta: Float64Array, gram: Float64Array, p: number, weights: Float64Array): Float64Array | undefined {
  const { plan, nDraws } = args;
  const residual = new Float64Array(args.nSamples);
  for (let i = 0; i < args.nSamples; i++) {
    let r = y[i]!;
    for (let a = 0; a < p; a++) r -= x[i * p + a]! * beta[a]!;
    residual[i] = r;
  }
  // Each draw adds u = Σ (weight per count) · X_i r_i over its sample (and complement); draws are iid.
  let n = 0;
  const mean = new Float64Array(p);
  const second = new Float64Array(p * p);
  const u = new Float64Array(p);
  const addSample = (i: number): void => {
    const unit = args.counts[i]! > 0 ? weights[i]! / args.counts[i]! : 0;
    for (let a = 0; a < p; a++) u[a]! += unit * x[i * p + a]! * residual[i]!;
  };
  // Draws of the same coalition give the same u: accumulate each distinct (sample, paired) once, times its count.
  const times = new Map<number, number>();
  for (let d = 0; d < nDraws; d++) {
    const key = plan.drawSample[d]! * 2 + plan.drawPaired[d]!;
    times.set(key, (times.get(key) ?? 0) + 1);
  }
  for (const [key, count] of times) {
    const s = key >> 1;
    u.fill(0);
    addSample(s);
    if (key & 1) addSample(s + 1);
    n += count;
    for (let a = 0; a < p; a++) {
      const ua = u[a]! * count;
      if (ua === 0) continue;
      mean[a]! += ua;
      for (let b = a; b < p; b++) second[a * p + b]! += ua * u[b]!;
    }
  }
  if (n < 2) return undefined;
  const meat = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = a; b < p; b++) meat[a * p + b] = meat[b * p + a] = (n / (n - 1)) * (second[a * p + b]! - (mean[a]! * mean[b]!) / n);
  const hInv = invertDense(gram, p);
  if (!hInv) return undefined;
  return multiply(multiply(hInv, meat, p), hInv, p);
}

function multiply(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let k = 0; k < p; k++) {
    const aik = a[i * p + k]!;
    if (aik === 0) continue;
    for (let j = 0; j < p; j++) out[i * p + j]! += aik * b[k * p + j]!;
  }
  return out;
}

/** shap's L1 step on the augmented system (each sample twice: as is, and against the full output). */
function selectFeatures(args: { plan: CoalitionPlan; nSamples: number; ey: Float64Array; total: number; l1: L1Option }, weights: Float64Array): number[] {
  const { plan, nSamples, ey, total, l1 } = args;
  const m = plan.m;
  const all = Array.from({ length: m }, (_, i) => i);
  const useL1 = l1 !== false && (l1 !== 'auto' || plan.fractionEvaluated < 0.2);
  if (!useL1) return all;
  const n2 = 2 * nSamples;
  const xa = new Float64Array(n2 * m);
  const ya = new Float64Array(n2);
  for (let i = 0; i < nSamples; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += plan.masks[i * m + j]!;
    const w1 = Math.sqrt(weights[i]! * (m - s));
    const w2 = Math.sqrt(weights[i]! * s);
    ya[i] = w1 * ey[i]!;
    ya[nSamples + i] = w2 * (ey[i]! - total);
    for (let j = 0; j < m; j++) {
      const z = plan.masks[i * m + j]!;
      xa[i * m + j] = w1 * z;
      xa[(nSamples + i) * m + j] = w2 * (z - 1);
    }
  }
  if (typeof l1 === 'object') return larsPath(xa, ya, n2, m, { method: 'lar', maxIter: l1.numFeatures }).active;
  return lassoLarsIc(xa, ya, n2, m, l1 === 'auto' ? 'aic' : l1);
}
