import { GlassboxError, throwIfAborted } from '../../errors.js';

export interface TemperatureFit {
  /** The fitted temperature T; probabilities are softmax(logits / T). */
  readonly temperature: number;
  /** Mean NLL at T = 1 and at the fitted T. */
  readonly nllBefore: number;
  readonly nllAfter: number;
  readonly iterations: number;
  /** |last Newton step| in log T. */
  readonly stepLogT: number;
  /** True when the minimum lies on a bound (the NLL still falls beyond it): T is then the bound, not an optimum. */
  readonly atBound: boolean;
}

export interface TemperatureOptions {
  /** Search interval for T (default [0.01, 100]). */
  readonly bounds?: readonly [number, number];
  /** Convergence tolerance on log T (default 1e-10; the contract is 1e-8). */
  readonly tolerance?: number;
  readonly signal?: AbortSignal;
}

/**
 * NLL(u) = mean_i [logsumexp(z_i e^{−u}) − z_{i,y} e^{−u}] at u = log T, with its first and second
 * derivatives in u. With s = z/T and p = softmax(s): dNLL/du = mean(s_y − E_p[s]) and
 * d²NLL/du² = mean(−s_y + E_p[s] + Var_p[s]).
 */
export function temperatureObjective(logits: Float64Array, labels: Int32Array, k: number, logT: number): { nll: number; gradient: number; curvature: number } {
  const n = labels.length;
  const beta = Math.exp(-logT);
  let nll = 0;
  let gradient = 0;
  let curvature = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]! * beta);
    let sum = 0;
    let first = 0;
    let second = 0;
    for (let c = 0; c < k; c++) {
      const s = logits[i * k + c]! * beta;
      const e = Math.exp(s - max);
      sum += e;
      first += e * s;
      second += e * s * s;
    }
    const mean = first / sum;
    const variance = Math.max(0, second / sum - mean * mean);
    const sy = logits[i * k + labels[i]!]! * beta;
    nll += max + Math.log(sum) - sy;
    gradient += sy - mean;
    curvature += -sy + mean + variance;
  }
  return { nll: nll / n, gradient: gradient / n, curvature: curvature / n };
}

/**
 * Temperature scaling (Guo et al. 2017, "On calibration of modern neural networks", §4.2): the single
 * T > 0 that minimises the mean NLL of softmax(logits / T), in float64. The NLL is convex in 1/T, so its
 * derivative in u = log T changes sign once; a safeguarded Newton iteration on u (Newton steps kept inside
 * a shrinking bracket, bisection when a step would leave it) converges to |Δu| < tolerance (1e-10 by default).
 * Logits may be log-probabilities: softmax(log p / T) is the same temperature family.
 */
export function fitTemperature(logits: Float64Array, labels: Int32Array, k: number, options: TemperatureOptions = {}): TemperatureFit {
  const [tMin, tMax] = options.bounds ?? [0.01, 100];
  if (!(tMin > 0 && tMax > tMin)) throw new GlassboxError('invalid_argument', `temperature bounds [${tMin}, ${tMax}] must satisfy 0 < low < high.`, { argument: 'bounds' });
  const tolerance = options.tolerance ?? 1e-10;
  const f = (u: number) => temperatureObjective(logits, labels, k, u);
  const nllBefore = f(0).nll;
  let lo = Math.log(tMin);
  let hi = Math.log(tMax);
  const atLo = f(lo);
  const atHi = f(hi);
  // the NLL falls towards a bound: the optimum lies beyond it
  if (atLo.gradient >= 0) return { temperature: tMin, nllBefore, nllAfter: atLo.nll, iterations: 0, stepLogT: 0, atBound: true };
  if (atHi.gradient <= 0) return { temperature: tMax, nllBefore, nllAfter: atHi.nll, iterations: 0, stepLogT: 0, atBound: true };
  let u = Math.min(Math.max(0, lo), hi);
  let step = Infinity;
  let iterations = 0;
  for (; iterations < 200 && Math.abs(step) >= tolerance; iterations++) {
    throwIfAborted(options.signal);
    const { gradient, curvature } = f(u);
    if (gradient === 0) break;
    if (gradient < 0) lo = u;
    else hi = u;
    const newton = curvature > 0 ? u - gradient / curvature : Number.NaN;
    const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    step = next - u;
    u = next;
    if (hi - lo < tolerance) break;
  }
  if (Math.abs(step) >= tolerance && hi - lo >= tolerance) {
    throw new GlassboxError('not_converged', `Temperature scaling did not converge in ${iterations} iterations (last step ${step} in log T).`, { hint: 'Check the logits for extreme values.' });
  }
  return { temperature: Math.exp(u), nllBefore, nllAfter: f(u).nll, iterations, stepLogT: Math.abs(step), atBound: false };
}
