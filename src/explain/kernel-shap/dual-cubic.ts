import { choleskyFactor, choleskySolve, forwardSolve } from '../../math/cholesky.js';
import { binomial } from '../exact-shapley.js';
import { walshHadamard } from './cubic-design.js';
import type { PairPlan } from './pair-sampler.js';
import { popcount } from '../../math/popcount.js';

export interface DualCubicFit {
  /** Shapley values of the fitted surrogate (exact, closed form). */
  readonly phi: Float64Array;
  /** u − ĝ on each of the nPairs pairs. */
  readonly residual: Float64Array;
  /** Mean of e²/(1 − h)² over mean of e² on the probed pairs (≥ 1): how much the in-sample residuals understate. */
  readonly looInflation: number;
  /** The prior the marginal likelihood chose. */
  readonly prior: DualPrior;
  /** Its log marginal likelihood (scale profiled out; comparable between fits of the same u). */
  readonly logLikelihood: number;
  /** Posterior means of the three-way coefficients (triples in lexicographic order), when asked for. */
  readonly tripleMeans?: Float64Array;
}

/** One candidate prior of the dual surrogate. */
export interface DualPrior {
  /** Ridge on the three-way terms, relative (as `prepareDesign`'s: penalty ridge·nPairs per unit ω_T). */
  readonly ridge: number;
  /** Prior mass of the five-way terms relative to the three-way ones (0: a three-way surrogate). */
  readonly fiveWay: number;
  /**
   * Share (0–1) of the three-way prior set by `DualHeredity.triples` rather than by the main effects ω
   * (0 without them).
   */
  readonly pairMix?: number;
}

/** Another source of the three-way terms' prior variances than the main effects. */
export interface DualHeredity {
  /**
   * Prior variance of each three-way term ∝ this (one per term, lexicographic order), rescaled to the same
   * mean as the main-effect weights ω_T; mixed with them by `DualPrior.pairMix`.
   */
  readonly triples?: Float64Array;
  /** Return the posterior means of the three-way coefficients. */
  readonly wantTriples?: boolean;
}

/** Prior variance of the linear coefficients relative to the three-way ones (effectively unpenalised). */
const LINEAR_PRIOR = 1e3;

/**
 * The interaction surrogate ĝ(s) = Σᵢ aᵢsᵢ + Σ_{|T|=3} a_T χ_T(s) (+ Σ_{|T|=5} a_T χ_T(s)) fitted in its dual
 * (kernel) form, for when there are fewer pairs than terms (C(16, 3) = 560 three-way terms against 256 pairs
 * at 512 samples): an n × n system instead of a p × p one, and a prior per term.
 *
 * With `fiveWay` = 0 it is the ridge regression of u on [s, χ_T] with penalty `ridge`·nPairs / ω_T on a_T,
 * where ω_T = Π_{i∈T} ωᵢ (heredity: an interaction among players with large main effects is expected to be
 * larger; Chipman 1996, "Bayesian variable selection with related predictors"), a nearly flat penalty on the
 * linear part, and Σ coefficients = u(N) = total held exactly. As a Gaussian-process posterior mean, the
 * kernel between pairs a, b is θ₁Σᵢxᵢ + θ₃e₃(ω⊙x) + θ₅e₅(ω⊙x) with xᵢ = s_{a,i}s_{b,i} and e_k the elementary
 * symmetric polynomials (O(M) per entry), and the surrogate's Shapley values follow in closed form from
 * Cov(φᵢ, u_b) = s_{b,i}(θ₁ + θ₃/3·ωᵢe₂(ω₋ᵢ⊙s_{b,−i}) + θ₅/5·ωᵢe₄(ω₋ᵢ⊙s_{b,−i})), since a k-way term gives
 * each of its players 1/k of its coefficient. With ω ≡ 1 and no five-way terms this is the primal ridge of
 * `prepareDesign` (kernel-shap/dual-cubic.test.ts).
 *
 * `heredity.triples` replaces (share `pairMix`) the main-effect weights ω_T of the three-way terms by given
 * per-term weights g_T, rescaled to the same mean over terms as ω_T. Their kernel Σ_T g_T χ_T(x) depends on x
 * only through which players differ between the two pairs, so it is one Walsh–Hadamard transform of g over
 * the 2^M player sets (O(2^M·M)) and one lookup per entry; the posterior means of a_T come from the
 * transform of the α-weighted histogram of the pairs' absent sets.
 *
 * Among several candidate priors, the one of largest marginal likelihood (scale profiled out:
 * −n/2·log(yᵀK⁻¹y) − ½·log|K|; Rasmussen & Williams 2006, §5.4) is used: the data say whether the game has
 * five-way structure (MLPs) or not (shallow trees). Cost per candidate O(n³/3) plus O(n²M) once (and
 * O(2^M·M) with `heredity`); ω depends on the row, so nothing is shared between rows.
 */
export function fitDualSurrogate(plan: PairPlan, nPairs: number, u: Float64Array, total: number, omega: Float64Array, priors: readonly DualPrior[], probes: Int32Array, heredity: DualHeredity = {}): DualCubicFit | undefined {
  const m = plan.m;
  const n = nPairs + 1;
  const theta1 = LINEAR_PRIOR / m;
  const theta3 = 1 / binomial(m, 3);
  const theta5 = m >= 5 ? 1 / binomial(m, 5) : 0;
  const withFive = priors.some((p) => p.fiveWay > 0) && theta5 > 0;
  // rows 0..nPairs−1: the pairs' smaller sides in ±1; row nPairs: the full coalition (u(N) = total)
  const s = new Float64Array(n * m).fill(1);
  for (let q = 0; q < nPairs; q++) for (let i = 0; i < m; i++) if (plan.sides[q * m + i] !== 1) s[q * m + i] = -1;
  const absent = new Int32Array(n);
  for (let r = 0; r < n; r++) for (let i = 0; i < m; i++) if (s[r * m + i] === -1) absent[r]! |= 1 << i;
  const explicit = heredity.triples ? tripleWeights(heredity.triples, omega, m) : undefined;
  const other = explicit !== undefined && priors.some((p) => (p.pairMix ?? 0) > 0);
  // The kernel between two pairs depends only on the set D of players where they differ (xᵢ = −1 on D), so
  // each component is a table over the 2^M sets: Σᵢxᵢ = M − 2|D| and Σ_T w_T χ_T(x) = WHT(w)[D] for the
  // three-way (ω_T or the given g_T) and five-way (ω_T) weights. Entries are then lookups at absent_a ⊕ absent_b.
  const size = 1 << m;
  const e3 = new Float64Array(size);
  const e5 = withFive ? new Float64Array(size) : undefined;
  for (let t = 0; t < size; t++) {
    const bits = popcount(t);
    if (bits !== 3 && !(e5 && bits === 5)) continue;
    let w = 1;
    for (let i = 0; i < m; i++) if (t & (1 << i)) w *= omega[i]!;
    (bits === 3 ? e3 : e5!)[t] = w;
  }
  walshHadamard(e3);
  if (e5) walshHadamard(e5);
  const kh = other && explicit ? walshHadamard(explicit.spread.slice()) : undefined;
  const v = new Float64Array(m);
  const y = new Float64Array(n);
  y.set(u.subarray(0, nPairs));
  y[nPairs] = total;
  let best: { factor: Float64Array; alpha: Float64Array; nugget: number; prior: DualPrior; ll: number } | undefined;
  const k = new Float64Array(n * n);
  const table = new Float64Array(size);
  for (const prior of priors) {
    const five = e5 ? prior.fiveWay : 0;
    const mix = kh ? Math.min(Math.max(prior.pairMix ?? 0, 0), 1) : 0;
    const c3 = theta3 * (1 - mix);
    const c5 = theta5 * five;
    const ch = kh ? theta3 * mix * explicit!.scale : 0;
    for (let t = 0; t < size; t++) table[t] = theta1 * (m - 2 * popcount(t)) + c3 * e3[t]! + (c5 !== 0 ? c5 * e5![t]! : 0) + (ch !== 0 ? ch * kh![t]! : 0);
    for (let a = 0; a < n; a++) {
      const row = a * n;
      const da = absent[a]!;
      for (let b = 0; b <= a; b++) k[row + b] = table[da ^ absent[b]!]!;
    }
    const nugget = prior.ridge * nPairs * theta3;
    for (let a = 0; a < nPairs; a++) k[a * n + a]! += nugget;
    // u(N) = total is held exactly (no nugget) unless the full coalition is numerically in the span of the pairs
    let factor = choleskyFactor(k, n);
    if (!factor) {
      k[n * n - 1]! *= 1 + 1e-10;
      factor = choleskyFactor(k, n);
    }
    if (!factor) continue;
    const alpha = choleskySolve(factor, y, n);
    let quad = 0;
    let logDet = 0;
    for (let a = 0; a < n; a++) {
      quad += y[a]! * alpha[a]!;
      logDet += 2 * Math.log(factor[a * n + a]!);
    }
    const ll = -0.5 * n * Math.log(Math.max(quad, 1e-300)) - 0.5 * logDet;
    if (!best || ll > best.ll) best = { factor, alpha, nugget, prior: { ridge: prior.ridge, fiveWay: five, pairMix: mix }, ll };
  }
  if (!best) return undefined;
  const { alpha, nugget, prior } = best;
  const mix = prior.pairMix ?? 0;
  const phi = new Float64Array(m);
  const full = new Float64Array(6);
  const without = new Float64Array(5);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < m; j++) v[j] = omega[j]! * s[r * m + j]!;
    elementary(v, m, 5, full);
    for (let i = 0; i < m; i++) {
      // e_k of all but player i: e_k(−i) = e_k − vᵢ·e_{k−1}(−i)
      without[0] = 1;
      for (let d = 1; d <= 4; d++) without[d] = full[d]! - v[i]! * without[d - 1]!;
      const cov = theta1 + ((1 - mix) * theta3 * omega[i]! * without[2]!) / 3 + (prior.fiveWay * theta5 * omega[i]! * without[4]!) / 5;
      phi[i]! += s[r * m + i]! * cov * alpha[r]!;
    }
  }
  // Σ_r α_r χ_T(s_r) for every player set T: χ_T(s_r) = (−1)^{|T ∩ absent_r|}
  const wantMeans = heredity.wantTriples === true;
  const signed = mix > 0 || wantMeans ? alphaTransform(alpha, absent, m) : undefined;
  let tripleMeans: Float64Array | undefined;
  if (signed) {
    const nT = binomial(m, 3);
    if (wantMeans) tripleMeans = new Float64Array(nT);
    let t = 0;
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        for (let k = j + 1; k < m; k++, t++) {
          const sum = signed[(1 << i) | (1 << j) | (1 << k)]!;
          const main = omega[i]! * omega[j]! * omega[k]!;
          const replaced = mix > 0 ? explicit!.scale * explicit!.weights[t]! : 0;
          if (tripleMeans) tripleMeans[t] = theta3 * ((1 - mix) * main + mix * replaced) * sum;
          if (mix > 0) {
            // the replacement's share of a_T, a third to each of its players
            const share = (theta3 * mix * replaced * sum) / 3;
            phi[i]! += share;
            phi[j]! += share;
            phi[k]! += share;
          }
        }
      }
    }
  }
  const residual = Float64Array.from({ length: nPairs }, (_, q) => nugget * alpha[q]!);
  // computed on first read: a fit that is compared and discarded never pays for its probes' solves
  const factor = best.factor;
  let loo: number | undefined;
  return {
    phi,
    residual,
    get looInflation(): number {
      return (loo ??= looInflation(factor, n, alpha, nugget, probes));
    },
    prior,
    logLikelihood: best.ll,
    ...(tripleMeans ? { tripleMeans } : {}),
  };
}

interface TripleWeights {
  /** g_T in lexicographic order. */
  readonly weights: Float64Array;
  /** g placed at each term's player set (2^M entries), for the Walsh–Hadamard transform. */
  readonly spread: Float64Array;
  /** Rescales g to the mean of ω_T over the terms: e₃(ω) / Σ g. */
  readonly scale: number;
}

function tripleWeights(weights: Float64Array, omega: Float64Array, m: number): TripleWeights {
  if (weights.length !== binomial(m, 3)) throw new RangeError(`three-way prior weights: expected C(${m}, 3) = ${binomial(m, 3)}, got ${weights.length}`);
  const spread = new Float64Array(1 << m);
  let sum = 0;
  let t = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      for (let k = j + 1; k < m; k++) {
        const g = Math.max(weights[t++]!, 0);
        spread[(1 << i) | (1 << j) | (1 << k)] = g;
        sum += g;
      }
    }
  }
  const e = new Float64Array(4);
  elementary(omega, m, 3, e);
  return { weights, spread, scale: sum > 0 ? e[3]! / sum : 0 };
}

/** A[T] = Σ_r α_r (−1)^{|T ∩ absent_r|} for every player set T (one transform of the α-weighted histogram). */
function alphaTransform(alpha: Float64Array, absent: Int32Array, m: number): Float64Array {
  const h = new Float64Array(1 << m);
  for (let r = 0; r < alpha.length; r++) h[absent[r]!]! += alpha[r]!;
  return walshHadamard(h);
}

/** The three-way dual surrogate with one ridge (no five-way terms, no choice of prior). */
export function fitDualCubic(plan: PairPlan, nPairs: number, u: Float64Array, total: number, omega: Float64Array, ridge: number, probes: Int32Array): DualCubicFit | undefined {
  return fitDualSurrogate(plan, nPairs, u, total, omega, [{ ridge, fiveWay: 0 }], probes);
}

/** e_0..e_K of v[0..len) (K ≤ out.length − 1), by the usual one-element-at-a-time recurrence. */
function elementary(v: Float64Array, len: number, order: number, out: Float64Array): void {
  out.fill(0);
  out[0] = 1;
  for (let j = 0; j < len; j++) {
    const x = v[j]!;
    for (let d = Math.min(order, j + 1); d >= 1; d--) out[d]! += x * out[d - 1]!;
  }
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
