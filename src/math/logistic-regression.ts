import { GlassboxError, throwIfAborted } from '../errors.js';
import { argmaxOfRows } from './argmax-rows.js';

export interface LogisticRegressionOptions {
  /**
   * Inverse L2 strength, as scikit-learn's `C` (default 1): the fit minimises
   * C · Σᵢ −log p(yᵢ | xᵢ) + ½‖W‖² over the standardised features (intercepts unpenalised).
   */
  readonly c?: number;
  /** L-BFGS iterations at most (default 500). */
  readonly maxIterations?: number;
  /** Stop when the largest gradient entry of the objective divided by n is below this (default 1e-6). */
  readonly tolerance?: number;
  /**
   * Standardise each feature to zero mean and unit variance inside (default true). Pass false for features
   * whose scale carries meaning, such as principal-component coordinates (standardising them would whiten
   * the low-variance noise directions up to the level of the signal).
   */
  readonly standardize?: boolean;
  /** Number of classes (default: max label + 1). */
  readonly classes?: number;
  readonly signal?: AbortSignal;
}

export interface LogisticRegressionModel {
  readonly classes: number;
  readonly features: number;
  /** classes × features weights on the original (unstandardised) features, row-major. */
  readonly coefficients: Float64Array;
  /** One intercept per class, on the original features. */
  readonly intercepts: Float64Array;
  /** Feature means and standard deviations used to standardise (population std; 1 where a column is constant; 0 and 1 when not standardised). */
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly converged: boolean;
  readonly iterations: number;
  /** Largest |entry| of the gradient of the objective / n at the end. */
  readonly gradientNorm: number;
  /** Objective / n at the end (mean log loss + ‖W‖² / (2Cn)). */
  readonly objective: number;
}

const MEMORY = 10;

/**
 * Multinomial (softmax) logistic regression with an L2 penalty, as scikit-learn's
 * `make_pipeline(StandardScaler(), LogisticRegression(C))`: features are standardised inside, the full
 * K-class parametrisation is penalised symmetrically, intercepts are not penalised. The strictly convex
 * objective is minimised by L-BFGS (Nocedal 1980; Liu & Nocedal 1989) with a backtracking Armijo line
 * search, which needs only O(m·K·d) memory, so it serves small and wide feature sets alike.
 * Deterministic: no randomness is involved.
 *
 * @param x n × d row-major features.
 * @param y class indices 0..K−1, one per row.
 */
export function fitLogisticRegression(x: Float32Array | Float64Array, n: number, d: number, y: Int32Array | Uint8Array | readonly number[], options: LogisticRegressionOptions = {}): LogisticRegressionModel {
  if (!(n >= 1) || !(d >= 1) || x.length !== n * d) throw new GlassboxError('shape_mismatch', `fitLogisticRegression: ${x.length} values do not form ${n} × ${d}.`, { argument: 'x' });
  if (y.length !== n) throw new GlassboxError('shape_mismatch', `fitLogisticRegression: ${y.length} labels for ${n} rows.`, { argument: 'y' });
  let maxLabel = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v) || v < 0) throw new GlassboxError('invalid_input', `fitLogisticRegression: label of row ${i} is ${v}; labels are class indices 0..K−1.`, { argument: 'y', row: i });
    if (v > maxLabel) maxLabel = v;
  }
  const k = Math.max(options.classes ?? maxLabel + 1, 2);
  if (maxLabel >= k) throw new GlassboxError('invalid_input', `fitLogisticRegression: label ${maxLabel} with ${k} classes.`, { argument: 'y' });
  const c = options.c ?? 1;
  if (!(c > 0)) throw new GlassboxError('invalid_argument', `C must be > 0; got ${c}.`, { argument: 'c' });
  const { mean, scale, z } = standardise(x, n, d, options.standardize ?? true);
  const labels = Int32Array.from(y as ArrayLike<number>);
  const p = k * (d + 1); // per class: d weights then the intercept
  const objective = (w: Float64Array, grad: Float64Array): number => lossAndGradient(z, labels, n, d, k, w, grad, 1 / (c * n));
  const result = lbfgs(objective, new Float64Array(p), options.maxIterations ?? 500, options.tolerance ?? 1e-6, options.signal);
  const coefficients = new Float64Array(k * d);
  const intercepts = new Float64Array(k);
  for (let cls = 0; cls < k; cls++) {
    let b = result.w[cls * (d + 1) + d]!;
    for (let j = 0; j < d; j++) {
      const wj = result.w[cls * (d + 1) + j]! / scale[j]!;
      coefficients[cls * d + j] = wj;
      b -= wj * mean[j]!;
    }
    intercepts[cls] = b;
  }
  return { classes: k, features: d, coefficients, intercepts, mean, scale, converged: result.converged, iterations: result.iterations, gradientNorm: result.gradientNorm, objective: result.value };
}

/** Class scores (logits) x·Wᵀ + b, n × K row-major. */
export function logisticDecision(model: LogisticRegressionModel, x: Float32Array | Float64Array, n: number): Float64Array {
  const { classes: k, features: d, coefficients, intercepts } = model;
  if (x.length !== n * d) throw new GlassboxError('shape_mismatch', `logisticDecision: ${x.length} values do not form ${n} × ${d}.`, { argument: 'x' });
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let cls = 0; cls < k; cls++) {
      let s = intercepts[cls]!;
      for (let j = 0; j < d; j++) s += coefficients[cls * d + j]! * x[i * d + j]!;
      out[i * k + cls] = s;
    }
  }
  return out;
}

/** The most probable class per row (lowest index on ties). */
export function logisticPredict(model: LogisticRegressionModel, x: Float32Array | Float64Array, n: number): Int32Array {
  const scores = logisticDecision(model, x, n);
  return argmaxOfRows(scores, n, model.classes);
}

/** Softmax class probabilities, n × K row-major. */
export function logisticProbabilities(model: LogisticRegressionModel, x: Float32Array | Float64Array, n: number): Float64Array {
  const scores = logisticDecision(model, x, n);
  const k = model.classes;
  for (let i = 0; i < n; i++) softmaxInPlace(scores, i * k, k);
  return scores;
}

function standardise(x: Float32Array | Float64Array, n: number, d: number, enabled: boolean): { mean: Float64Array; scale: Float64Array; z: Float64Array } {
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  if (!enabled) return { mean, scale: scale.fill(1), z: Float64Array.from(x) };
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) scale[j]! += (x[i * d + j]! - mean[j]!) ** 2;
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt(scale[j]! / n);
    // scikit-learn's StandardScaler leaves (near-)constant columns unscaled
    scale[j] = sd > 1e-12 * Math.max(1, Math.abs(mean[j]!)) ? sd : 1;
  }
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z[i * d + j] = (x[i * d + j]! - mean[j]!) / scale[j]!;
  return { mean, scale, z };
}

function softmaxInPlace(v: Float64Array, offset: number, k: number): number {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (v[offset + c]! > max) max = v[offset + c]!;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(v[offset + c]! - max);
    v[offset + c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) v[offset + c]! /= sum;
  return max + Math.log(sum);
}

/** Mean log loss + λ/2 ‖W‖² (λ = 1/(Cn)) and its gradient (written into grad). */
function lossAndGradient(z: Float64Array, y: Int32Array, n: number, d: number, k: number, w: Float64Array, grad: Float64Array, lambda: number): number {
  grad.fill(0);
  const scores = new Float64Array(k);
  let loss = 0;
  const stride = d + 1;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let cls = 0; cls < k; cls++) {
      const base = cls * stride;
      let s = w[base + d]!;
      for (let j = 0; j < d; j++) s += w[base + j]! * z[row + j]!;
      scores[cls] = s;
    }
    const label = y[i]!;
    const truth = scores[label]!;
    const logSum = softmaxInPlace(scores, 0, k);
    loss += logSum - truth;
    for (let cls = 0; cls < k; cls++) {
      const r = (scores[cls]! - (cls === label ? 1 : 0)) / n;
      if (r === 0) continue;
      const base = cls * stride;
      for (let j = 0; j < d; j++) grad[base + j]! += r * z[row + j]!;
      grad[base + d]! += r;
    }
  }
  let penalty = 0;
  for (let cls = 0; cls < k; cls++) {
    const base = cls * stride;
    for (let j = 0; j < d; j++) {
      penalty += w[base + j]! ** 2;
      grad[base + j]! += lambda * w[base + j]!;
    }
  }
  return loss / n + (lambda / 2) * penalty;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}

/** Limited-memory BFGS (two-loop recursion) with a backtracking Armijo line search. */
function lbfgs(f: (w: Float64Array, grad: Float64Array) => number, w0: Float64Array, maxIterations: number, tolerance: number, signal?: AbortSignal): { w: Float64Array; value: number; converged: boolean; iterations: number; gradientNorm: number } {
  const p = w0.length;
  let w = w0;
  let g = new Float64Array(p);
  let value = f(w, g);
  const s: Float64Array[] = [];
  const yv: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(MEMORY);
  const direction = new Float64Array(p);
  let iterations = 0;
  let converged = maxAbs(g) <= tolerance;
  while (!converged && iterations < maxIterations) {
    if (iterations % 10 === 0) throwIfAborted(signal);
    // two-loop recursion: direction = −H g
    for (let i = 0; i < p; i++) direction[i] = -g[i]!;
    for (let m = s.length - 1; m >= 0; m--) {
      alpha[m] = rho[m]! * dot(s[m]!, direction);
      const ym = yv[m]!;
      for (let i = 0; i < p; i++) direction[i]! -= alpha[m]! * ym[i]!;
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last]!, yv[last]!) / dot(yv[last]!, yv[last]!);
      for (let i = 0; i < p; i++) direction[i]! *= gamma;
    }
    for (let m = 0; m < s.length; m++) {
      const beta = rho[m]! * dot(yv[m]!, direction);
      const sm = s[m]!;
      for (let i = 0; i < p; i++) direction[i]! += (alpha[m]! - beta) * sm[i]!;
    }
    let slope = dot(g, direction);
    if (!(slope < 0)) {
      // not a descent direction (numerical trouble): restart from steepest descent
      for (let i = 0; i < p; i++) direction[i] = -g[i]!;
      slope = dot(g, direction);
      s.length = 0;
      yv.length = 0;
      rho.length = 0;
    }
    let step = s.length === 0 ? Math.min(1, 1 / Math.max(1e-12, Math.sqrt(-slope))) : 1;
    const next = new Float64Array(p);
    const nextGrad = new Float64Array(p);
    let nextValue = Infinity;
    let accepted = false;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < p; i++) next[i] = w[i]! + step * direction[i]!;
      nextValue = f(next, nextGrad);
      if (nextValue <= value + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    iterations++;
    if (!accepted) break; // no decrease possible at float precision: as good as it gets
    const sk = new Float64Array(p);
    const yk = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      sk[i] = next[i]! - w[i]!;
      yk[i] = nextGrad[i]! - g[i]!;
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12 * Math.sqrt(dot(yk, yk) * dot(sk, sk))) {
      if (s.length === MEMORY) {
        s.shift();
        yv.shift();
        rho.shift();
      }
      s.push(sk);
      yv.push(yk);
      rho.push(1 / sy);
    }
    const decrease = value - nextValue;
    w = next;
    g = nextGrad;
    value = nextValue;
    converged = maxAbs(g) <= tolerance;
    if (!converged && decrease <= 1e-15 * Math.max(1, Math.abs(value))) break;
  }
  const gradientNorm = maxAbs(g);
  return { w, value, converged: gradientNorm <= tolerance, iterations, gradientNorm };
}
