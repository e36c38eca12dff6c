import { choleskyFactor, choleskySolve, forwardSolve } from '../../math/cholesky.js';
import { binomial } from '../exact-shapley.js';
import type { PairPlan } from './pair-sampler.js';

export interface DualCubicFit {
  /** Shapley values of the fitted surrogate (exact, closed form). */
  readonly phi: Float64Array;
  /** u − ĝ on each of the nPairs pairs. */
  readonly residual: Float64Array;
  /** Mean of e²/(1 − h)² over mean of e² on the probed pairs (≥ 1): how much the in-sample residuals understate. */
  readonly looInflation: number;
}

/** Prior variance of the linear coefficients relative to the three-way ones (effectively unpenalised). */
const LINEAR_PRIOR = 1e3;

/**
 * The three-way surrogate ĝ(s) = Σᵢ aᵢsᵢ + Σ_{|T|=3} a_T χ_T(s) fitted in its dual (kernel) form, for when
 * there are fewer pairs than terms (C(16, 3) = 560 terms against 256 pairs at 512 samples): an n × n system
 * instead of a p × p one, and a ridge per term.
 *
 * It is the ridge regression of u on [s, χ_T] with penalty `ridge`·nPairs / ω_T on a_T, where
 * ω_T = ω_i·ω_j·ω_k (heredity: a three-way interaction among players with large main effects is expected
 * to be larger; Chipman 1996, "Bayesian variable selection with related predictors"), a nearly flat penalty
 * on the linear part, and Σ coefficients = u(N) = total held exactly. Written as a Gaussian-process
 * posterior mean, the kernel between pairs a, b is θ₁·Σᵢ xᵢ + θ₃·e₃(ω ⊙ x) with xᵢ = s_{a,i}·s_{b,i} and e₃ the
 * third elementary symmetric polynomial (Newton's identities, O(M) per entry), and the surrogate's Shapley
 * values follow from Cov(φᵢ, u_b) = s_{b,i}(θ₁ + θ₃/3 · ωᵢ · e₂(ω₋ᵢ ⊙ s_{b,−i})). With ω ≡ 1 this is the same
 * fit as the primal ridge of `prepareDesign` (kernel-shap/dual-cubic.test.ts).
 *
 * Cost O(n²M + n³/3) per call; ω depends on the row, so the factorisation is not shared between rows.
 */
export function fitDualCubic(plan: PairPlan, nPairs: number, u: Float64Array, total: number, omega: Float64Array, ridge: number, probes: Int32Array): DualCubicFit | undefined {
  const m = plan.m;
  const n = nPairs + 1;
  const theta3 = 1 / binomial(m, 3);
  const theta1 = LINEAR_PRIOR / m;
  const nugget = ridge * nPairs * theta3;
  // rows 0..nPairs−1: the pairs' smaller sides in ±1; row nPairs: the full coalition (u(N) = total)
  const s = new Float64Array(n * m).fill(1);
  for (let q = 0; q < nPairs; q++) for (let i = 0; i < m; i++) if (plan.sides[q * m + i] !== 1) s[q * m + i] = -1;
  const k = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b <= a; b++) {
      let lin = 0;
      let p1 = 0;
      let p2 = 0;
      let p3 = 0;
      for (let i = 0; i < m; i++) {
        const x = s[a * m + i]! * s[b * m + i]!;
        const v = omega[i]! * x;
        lin += x;
        p1 += v;
        p2 += v * v;
        p3 += v * v * v;
      }
      k[a * n + b] = theta1 * lin + (theta3 * (p1 * p1 * p1 - 3 * p1 * p2 + 2 * p3)) / 6;
    }
  }
  for (let a = 0; a < nPairs; a++) k[a * n + a]! += nugget;
  // u(N) = total is held exactly (no nugget) unless the full coalition is numerically in the span of the pairs
  let factor = choleskyFactor(k, n);
  if (!factor) {
    k[n * n - 1]! *= 1 + 1e-10;
    factor = choleskyFactor(k, n);
  }
  if (!factor) return undefined;
  const y = new Float64Array(n);
  y.set(u.subarray(0, nPairs));
  y[nPairs] = total;
  const alpha = choleskySolve(factor, y, n);
  const phi = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    let p1 = 0;
    let p2 = 0;
    for (let j = 0; j < m; j++) {
      const v = omega[j]! * s[r * m + j]!;
      p1 += v;
      p2 += v * v;
    }
    for (let i = 0; i < m; i++) {
      const vi = omega[i]! * s[r * m + i]!;
      const q1 = p1 - vi;
      const e2 = (q1 * q1 - (p2 - vi * vi)) / 2;
      phi[i]! += s[r * m + i]! * (theta1 + (theta3 / 3) * omega[i]! * e2) * alpha[r]!;
    }
  }
  const residual = Float64Array.from({ length: nPairs }, (_, q) => nugget * alpha[q]!);
  return { phi, residual, looInflation: looInflation(factor, n, alpha, nugget, probes) };
}

/**
 * The leave-one-out residual of a kernel ridge fit is α_q / (K + N)⁻¹_qq against the in-sample nugget·α_q;
 * (K + N)⁻¹_qq = ‖L⁻¹e_q‖² (one forward solve per probed pair).
 */
function looInflation(factor: Float64Array, n: number, alpha: Float64Array, nugget: number, probes: Int32Array): number {
  let raw = 0;
  let loo = 0;
  const unit = new Float64Array(n);
  for (const q of probes) {
    unit.fill(0);
    unit[q] = 1;
    const z = forwardSolve(factor, unit, n);
    let inv = 0;
    for (let a = q; a < n; a++) inv += z[a]! * z[a]!;
    const a2 = alpha[q]! ** 2;
    raw += nugget * nugget * a2;
    loo += a2 / (inv * inv);
  }
  return raw > 0 ? Math.max(1, loo / raw) : 1;
}
