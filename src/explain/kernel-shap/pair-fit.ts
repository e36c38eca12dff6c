import { cubicDesign, MAX_MOMENT_PLAYERS } from './cubic-design.js';
import type { CubicDesign } from './cubic-design.js';
import type { PairPlan } from './pair-sampler.js';

import { fitDualSurrogate } from './dual-cubic.js';
import { evenPairwise } from './even-pairwise.js';
import type { DualPrior } from './dual-cubic.js';
import { prepareDesign, sign, solvePrepared } from './pair-regression.js';
import type { DesignFit, PreparedDesign } from './pair-regression.js';

export interface PairFitOptions {
  /** Fit the three-way surrogate (regression adjustment); false = plain paired KernelSHAP. */
  readonly adjust: boolean;
  /** Ridge on the three-way coefficients, relative to their Gram diagonal. */
  readonly ridge: number;
  /** The even half w = v(S) + v(N∖S) of each pair (same order as u): sets the pairwise-heredity prior of the dual surrogate. */
  readonly even?: Float64Array | undefined;
}

export interface PairSolution {
  readonly phi: Float64Array;
  readonly stderr: Float64Array;
  /** Players whose three-way interactions entered the surrogate (empty: plain paired KernelSHAP). */
  readonly interactionPlayers: readonly number[];
}

/** Default relative ridge of the three-way surrogate (chosen on the synthetic games of bench/kernel-shap-accuracy). */
export const DEFAULT_RIDGE = 0.01;

/**
 * The adjustment applies up to this many players (C(16, 3) = 560 three-way terms). Beyond, the surrogate's
 * factorisation would cost far more than the fit it improves, and the plain paired estimator is used.
 */
export const MAX_ADJUSTED_PLAYERS = MAX_MOMENT_PLAYERS;

/**
 * Shapley values from the first `nPairs` pairs of a paired plan.
 *
 * With paired coalitions the KernelSHAP regression sees the game only through its odd part
 * u(S) = v(S) − v(N∖S): in ±1 coordinates sᵢ (+1 present, −1 absent) it is the kernel-weighted least squares
 * of u on s subject to Σφ = v(N) − v(∅). Its sampling error comes from the odd interactions the linear model
 * leaves out, the largest being three-way terms χ_T(s) = Π_{i∈T} sᵢ. With `adjust`, a surrogate
 * ĝ(S) = Σᵢ aᵢ sᵢ + Σ_{|T|=3} a_T χ_T(s) (all three-way terms for up to 16 players, lightly ridged,
 * equal weight per pair; with fewer pairs than terms, in dual form with a heredity-weighted ridge: `fitDualCubic`)
 * is fitted first; its Shapley values are exact in closed form,
 * φᵢ(ĝ) = aᵢ + ⅓ Σ_{T∋i} a_T, and KernelSHAP only estimates what ĝ misses:
 * φ̂ = φ(ĝ) + KernelSHAP(u − ĝ) — a regression-adjusted estimator (Witter, Liu & Musco, "Regression-adjusted
 * Monte Carlo Estimators for Shapley Values and Probabilistic Values", 2025). It is exact whenever the
 * second term is (every pair enumerated), and Σφ = v(N) − v(∅) always holds.
 *
 * Standard errors are those of the KernelSHAP term on the residual (the usual approximation for a
 * regression estimator): the kernel-weighted fit linearised in u, combined with the stratified
 * without-replacement variance over the drawn pairs (finite-population correction per size class);
 * enumerated classes add no sampling error.
 */
export function fitPairs(plan: PairPlan, nPairs: number, u: Float64Array, total: number, options: PairFitOptions): PairSolution {
  const m = plan.m;
  const lin = prepared(plan, nPairs, 'linear', () => prepareDesign({ plan, nPairs, weights: pairWeights(plan, nPairs) }));
  if (!lin) return finish(undefined, m, total, []);
  const linear = solvePrepared(lin, u, total, true);
  const complete = plan.numFull === plan.classMass.length;
  if (!options.adjust || complete || m < 3 || m > MAX_ADJUSTED_PLAYERS) return finish(linear, m, total, []);
  const chosen = Array.from({ length: m }, (_, i) => i);
  const probes = spread(plan.nFixed, nPairs, LEVERAGE_PROBES);
  const surrogate = dualPriors(m, nPairs) ? dualSurrogate(plan, nPairs, u, total, linear.phi, options.ridge, probes, options.even) : primalSurrogate(plan, nPairs, u, total, options.ridge, probes, chosen);
  if (!surrogate) return finish(linear, m, total, []);
  const correction = solvePrepared(lin, surrogate.residual, 0, true);
  // In-sample residuals of an over-parameterised surrogate understate its error on unseen coalitions; the
  // leave-one-out residual e/(1 − h) does not. Its mean inflation, measured on a spread of drawn pairs,
  // rescales the standard errors (they then track the spread over seeds: kernel-shap.test.ts).
  const stderr = correction.stderr.map((v) => v * Math.sqrt(surrogate.looInflation));
  // Always kept: a rule that fell back to the plain fit when its standard errors were smaller never fired
  // on the bench games above 512 samples and, with the dual fit, picked the worse estimate (16-player
  // logistic game with pairwise terms at 1024 samples: 0.45 of shap's error against 0.39 adjusted).
  const phi = surrogate.phi.map((v, i) => v + correction.phi[i]!);
  return finish({ phi, stderr }, m, total, chosen);
}

interface Surrogate {
  readonly phi: Float64Array;
  readonly residual: Float64Array;
  readonly looInflation: number;
}

/** All three-way terms, one shared ridge, fitted in the p × p primal (factorisation shared by the rows of a plan). */
function primalSurrogate(plan: PairPlan, nPairs: number, u: Float64Array, total: number, ridge: number, probes: Int32Array, chosen: readonly number[]): Surrogate | undefined {
  const sur = prepared(plan, nPairs, `cubic ${ridge}`, () =>
    prepareDesign({ plan, nPairs, weights: new Float64Array(nPairs).fill(1 / nPairs), design: cubicDesign(plan, nPairs, allTriples(chosen)), ridge, leverageOf: probes }),
  );
  if (!sur) return undefined;
  const fit = solvePrepared(sur, u, total, false);
  const residual = residuals(plan, nPairs, u, sur.design!, fit.coef);
  return { phi: fit.phi, residual, looInflation: looInflation(residual, probes, sur.leverage!) };
}

/**
 * Small budgets (`dualPriors`: up to MAX_DUAL_PAIRS pairs, or MAX_LARGE_DUAL_PAIRS from 14 players): the
 * dual fit with heredity weights ωᵢ = |φ̂ᵢ|^{1/3} from the plain
 * paired estimate φ̂ (normalised to mean 1, floored at 10⁻³) — interactions among players with small main
 * effects are shrunk more — and five-way terms and ridge chosen by marginal likelihood (`DUAL_PRIORS`).
 *
 * With the even halves of the pairs (`even`), the three-way terms' prior comes from pairwise heredity
 * instead: {i, j, k} has prior variance ∝ |â_ij| + |â_ik| + |â_jk|, â the pairwise interactions fitted on the
 * even half (`evenPairwise`, no extra model evaluation; normalised to mean 1, floored at 1%). Then one more
 * fit with the chosen ridge and five-way mass (one step of automatic relevance determination): prior
 * variance ∝ √(|â_T|·(|â_ij| + |â_ik| + |â_jk|)), â_T the first fit's posterior means (each factor normalised
 * to mean 1, floored at 1%), kept when its marginal likelihood is larger. Over 20 seeds at 512 samples the
 * geometric-mean error ratio to shap over the 14 bench and unseen-family cells falls from 0.263 to 0.234
 * (docs/explanations.md, KernelSHAP); ~1.3× the fit cost.
 */
function dualSurrogate(plan: PairPlan, nPairs: number, u: Float64Array, total: number, linearPhi: Float64Array, ridge: number, probes: Int32Array, even?: Float64Array): Surrogate | undefined {
  const m = plan.m;
  const omega = new Float64Array(m);
  let mean = 0;
  for (let i = 0; i < m; i++) mean += (omega[i] = Math.cbrt(Math.abs(linearPhi[i]!))) / m;
  for (let i = 0; i < m; i++) omega[i] = mean > 0 ? Math.max(omega[i]! / mean, HEREDITY_FLOOR) : 1;
  const pairs = even ? pairHeredity(plan, nPairs, even, total) : undefined;
  const priors = dualPriors(m, nPairs)!.map((p) => ({ ...p, pairMix: pairs ? 1 : 0, ridge: p.ridge * (ridge / DEFAULT_RIDGE) }));
  const sums = pairs ? pairSums(pairs, m) : undefined;
  const first = fitDualSurrogate(plan, nPairs, u, total, omega, priors, probes, sums ? { triples: sums, wantTriples: true } : {});
  if (!first?.tripleMeans || !sums) return first;
  const relevance = normalisedMagnitudes(first.tripleMeans);
  const heredity = normalisedMagnitudes(sums);
  for (let t = 0; t < relevance.length; t++) relevance[t] = Math.sqrt(relevance[t]! * heredity[t]!);
  const second = fitDualSurrogate(plan, nPairs, u, total, omega, [{ ...first.prior, pairMix: 1 }], probes, { triples: relevance });
  return second && second.logLikelihood > first.logLikelihood ? second : first;
}

/** Smallest pairwise or three-way prior weight, relative to the mean. */
const RELEVANCE_FLOOR = 0.01;

/** |x| normalised to mean 1, floored at RELEVANCE_FLOOR (off-diagonal entries only when `m` is given: an m × m matrix). */
function normalisedMagnitudes(values: Float64Array, m?: number): Float64Array {
  const out = values.map(Math.abs);
  const off = (k: number): boolean => m === undefined || Math.floor(k / m) !== k % m;
  let sum = 0;
  let count = 0;
  out.forEach((v, k) => {
    if (off(k)) {
      sum += v;
      count++;
    }
  });
  const mean = count > 0 ? sum / count : 0;
  out.forEach((v, k) => {
    out[k] = off(k) ? (mean > 0 ? Math.max(v / mean, RELEVANCE_FLOOR) : 1) : 0;
  });
  return out;
}

/** c_ij + c_ik + c_jk for every three-way term {i, j, k} (lexicographic order). */
function pairSums(c: Float64Array, m: number): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) for (let k = j + 1; k < m; k++) out.push(c[i * m + j]! + c[i * m + k]! + c[j * m + k]!);
  return Float64Array.from(out);
}

/** Pairwise heredity weights from the even halves (m × m, zero diagonal), or undefined when they cannot be fitted. */
function pairHeredity(plan: PairPlan, nPairs: number, even: Float64Array, total: number): Float64Array | undefined {
  const c = evenPairwise(plan, nPairs, even, total);
  return c ? normalisedMagnitudes(c, plan.m) : undefined;
}

/**
 * The dual fit factorises an (nPairs + 1)² system per row and candidate prior (ω depends on the row): ~3 ms
 * at 256 pairs, ~20 ms at 512 (16 players, 1024 samples), where the shared primal factorisation costs ~2 ms
 * per row. Up to this many pairs every candidate of `DUAL_PRIORS` is tried.
 */
export const MAX_DUAL_PAIRS = 384;

/**
 * From 14 players the dual fit also serves budgets up to this many pairs (1024 samples), with the three
 * candidates of `LARGE_DUAL_PRIORS` only; above, the primal fit (one ridge, shared factorisation) is used.
 * Over 20 seeds at 1024 samples the geometric-mean error ratio to shap over the 9 bench and unseen-family
 * cells at 14–16 players falls from 0.292 (primal) to 0.179 (docs/explanations.md, KernelSHAP); the fit
 * costs ~90 ms per row against ~10 ms for the primal.
 */
export const MAX_LARGE_DUAL_PAIRS = 512;

/** Fewest players for which the dual fit serves budgets above MAX_DUAL_PAIRS. */
const LARGE_DUAL_MIN_PLAYERS = 14;

/** The candidate priors of the dual fit at this size, or undefined when the primal fit is used. */
function dualPriors(m: number, nPairs: number): readonly DualPrior[] | undefined {
  if (nPairs <= MAX_DUAL_PAIRS) return DUAL_PRIORS;
  return m >= LARGE_DUAL_MIN_PLAYERS && nPairs <= MAX_LARGE_DUAL_PAIRS ? LARGE_DUAL_PRIORS : undefined;
}

/**
 * Candidate priors of the dual surrogate, chosen per row by marginal likelihood: ridge 0.3× or 1× the
 * default, five-way terms absent or with 3% / 10% of the three-way prior mass. On the bench games at 512
 * samples (10 seeds) the choice lowers the geometric-mean error ratio from 0.255 to 0.229, and on the unseen
 * ReLU-MLP and logistic-pairwise games from 0.470 to 0.388, against any single prior of the grid.
 */
const DUAL_PRIORS: readonly DualPrior[] = [0.003, 0.01].flatMap((ridge) => [0, 0.03, 0.1].map((fiveWay) => ({ ridge, fiveWay })));

/**
 * The three candidates the likelihood chose most often among the six at 1024 samples, 14–16 players (20
 * seeds, 9 games: 138 of 180 rows): one Cholesky factorisation each. All six give the same accuracy
 * (geometric-mean ratio 0.181 against 0.179) at twice the cost.
 */
const LARGE_DUAL_PRIORS: readonly DualPrior[] = [
  { ridge: 0.003, fiveWay: 0 },
  { ridge: 0.003, fiveWay: 0.1 },
  { ridge: 0.01, fiveWay: 0.1 },
];

/** Smallest heredity weight of a player, relative to the mean (keeps the kernel positive definite). */
const HEREDITY_FLOOR = 1e-3;

/**
 * Prepared (factorised) designs per plan and prefix length: they depend on the coalitions only, and every
 * row of an explain call with the same number of varying players shares its plan.
 */
const preparedCache = new WeakMap<PairPlan, Map<string, PreparedDesign | undefined>>();

function prepared(plan: PairPlan, nPairs: number, kind: string, make: () => PreparedDesign | undefined): PreparedDesign | undefined {
  let byKey = preparedCache.get(plan);
  if (!byKey) preparedCache.set(plan, (byKey = new Map()));
  const key = `${nPairs} ${kind}`;
  if (!byKey.has(key)) {
    if (byKey.size >= 4) byKey.delete(byKey.keys().next().value!);
    byKey.set(key, make());
  }
  return byKey.get(key);
}

/** Drawn pairs whose leverage is computed (each costs a triangular solve of the surrogate's size). */
const LEVERAGE_PROBES = 64;

/** Up to `count` evenly spaced indices in [from, to). */
function spread(from: number, to: number, count: number): Int32Array {
  const n = to - from;
  if (n <= count) return Int32Array.from({ length: n }, (_, i) => from + i);
  return Int32Array.from({ length: count }, (_, i) => from + Math.floor(((i + 0.5) * n) / count));
}

/** Mean of e²/(1 − h)² over mean of e² on the probed pairs (≥ 1). */
function looInflation(residual: Float64Array, probes: Int32Array, leverage: Float64Array): number {
  let raw = 0;
  let loo = 0;
  probes.forEach((q, j) => {
    const e2 = residual[q]! ** 2;
    raw += e2;
    loo += e2 / Math.max(1 - leverage[j]!, 1e-3) ** 2;
  });
  return raw > 0 ? Math.max(1, loo / raw) : 1;
}

function finish(fit: Pick<DesignFit, 'phi' | 'stderr'> | undefined, m: number, total: number, chosen: readonly number[]): PairSolution {
  if (!fit) return { phi: new Float64Array(m).fill(total / m), stderr: new Float64Array(m).fill(Number.NaN), interactionPlayers: [] };
  // Σφ = total holds analytically; remove the rounding so efficiency is exact to the last digit
  let sum = 0;
  for (let i = 0; i < m; i++) sum += fit.phi[i]!;
  fit.phi[m - 1]! += total - sum;
  return { phi: fit.phi, stderr: fit.stderr, interactionPlayers: chosen };
}

/** Horvitz–Thompson weight per pair: its class's kernel mass over the pairs drawn in that class. */
export function pairWeights(plan: PairPlan, nPairs: number): Float64Array {
  const classes = plan.classMass.length;
  const count = new Float64Array(classes + 1);
  for (let p = 0; p < nPairs; p++) count[plan.pairClass[p]!]!++;
  let present = 0;
  for (let c = 1; c <= classes; c++) if (count[c]! > 0) present += plan.classMass[c - 1]!;
  const w = new Float64Array(nPairs);
  for (let p = 0; p < nPairs; p++) {
    const c = plan.pairClass[p]!;
    w[p] = plan.classMass[c - 1]! / present / count[c]!;
  }
  return w;
}

function residuals(plan: PairPlan, nPairs: number, u: Float64Array, design: CubicDesign, coef: Float64Array): Float64Array {
  const m = plan.m;
  const c = design.nTriples;
  const out = new Float64Array(nPairs);
  for (let q = 0; q < nPairs; q++) {
    let g = 0;
    for (let i = 0; i < m; i++) g += sign(plan, q, i) * coef[i]!;
    for (let t = 0; t < c; t++) g += design.chi[q * c + t]! * coef[m + t]!;
    out[q] = u[q]! - g;
  }
  return out;
}

/** Every three-way term among the given players (global indices, 3 per term, in lexicographic order). */
function allTriples(players: readonly number[]): Int32Array {
  const k = players.length;
  const out: number[] = [];
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) for (let c = b + 1; c < k; c++) out.push(players[a]!, players[b]!, players[c]!);
  return Int32Array.from(out);
}
