import { GlassboxError } from '../../errors.js';
import { rankClasses } from './class-order.js';

/** The conformity scores of split-conformal classification. */
export const CONFORMAL_SCORES = ['lac', 'aps', 'raps'] as const;
export type ConformalScore = (typeof CONFORMAL_SCORES)[number];

export interface ScoreOptions {
  readonly score: ConformalScore;
  /** RAPS: the penalty per class ranked beyond kReg (Angelopoulos et al. 2021's λ). Default 0.01. */
  readonly lambda?: number;
  /** RAPS: how many top-ranked classes go unpenalised (k_reg). Default 1. */
  readonly kReg?: number;
  /** APS/RAPS: the randomised score (a uniform u per row), whose coverage is exact rather than ≥ 1 − α. */
  readonly randomized?: boolean;
}

/** Resolved options with their defaults. */
export interface ResolvedScore {
  readonly score: ConformalScore;
  readonly lambda: number;
  readonly kReg: number;
  readonly randomized: boolean;
}

export const RAPS_DEFAULT_LAMBDA = 0.01;
export const RAPS_DEFAULT_K_REG = 1;

/** Fills in defaults and refuses combinations that have no meaning. */
export function resolveScore(options: ScoreOptions): ResolvedScore {
  const { score } = options;
  if (!(CONFORMAL_SCORES as readonly string[]).includes(score)) {
    throw new GlassboxError('invalid_argument', `score must be one of ${CONFORMAL_SCORES.join(', ')}; got "${String(score)}".`, { argument: 'score' });
  }
  const randomized = options.randomized ?? false;
  if (randomized && score === 'lac') {
    throw new GlassboxError('invalid_argument', 'randomized applies to the aps and raps scores; LAC sets are thresholds on 1 − p and have no randomised form here.', { argument: 'randomized', hint: 'Use --score aps or raps with --randomized, or drop --randomized.' });
  }
  if (score !== 'raps' && (options.lambda !== undefined || options.kReg !== undefined)) {
    throw new GlassboxError('invalid_argument', `lambda and kReg are RAPS parameters; the ${score} score does not use them.`, { argument: options.lambda !== undefined ? 'lambda' : 'kReg', hint: 'Use --score raps, or drop --lambda/--k-reg.' });
  }
  const lambda = options.lambda ?? RAPS_DEFAULT_LAMBDA;
  const kReg = options.kReg ?? RAPS_DEFAULT_K_REG;
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new GlassboxError('invalid_argument', `lambda must be a finite number ≥ 0; got ${lambda}.`, { argument: 'lambda', hint: 'e.g. 0.01' });
  if (!Number.isInteger(kReg) || kReg < 0) throw new GlassboxError('invalid_argument', `kReg must be an integer ≥ 0; got ${kReg}.`, { argument: 'kReg', hint: 'e.g. 1' });
  return { score, lambda: score === 'raps' ? lambda : 0, kReg: score === 'raps' ? kReg : 0, randomized };
}

/** Reusable work arrays for scoring rows of width k. */
export interface ScoreScratch {
  readonly order: Int32Array;
  readonly rankOf: Int32Array;
  readonly cumulative: Float64Array;
}

export function scoreScratch(k: number): ScoreScratch {
  return { order: new Int32Array(k), rankOf: new Int32Array(k), cumulative: new Float64Array(k) };
}

/**
 * The score of every class of one row, written to `out[0..k)`; class k joins the set when its score is
 * ≤ q̂, and a calibration row's score is its true class's.
 *
 * - LAC (Sadinle, Lei & Wasserman 2019, "least ambiguous set-valued classifiers"): 1 − p_k.
 * - APS (Romano, Sesia & Candès 2020): the cumulative mass of the classes ranked at or above k,
 *   Σ_{r ≤ rank(k)} p_(r), summed left to right in rank order (ties: lower class index first), capped
 *   at 1, and exactly 1 for the class ranked last: a row is a probability vector, and summing float32
 *   outputs would otherwise give 1 ± 1e-7 there and let rounding decide whether the last class joins
 *   (MAPIE compares with a tolerance instead).
 * - RAPS (Angelopoulos, Bates, Malik & Jordan 2021): APS + λ·max(0, rank(k) − k_reg), rank 1-based.
 * - Randomised APS/RAPS: the cumulative mass minus u·p_k with u ~ U[0, 1) drawn once per row and shared
 *   by its classes (MAPIE's convention; the paper's ρ + u′·p with u′ = 1 − u is the same in distribution).
 *
 * The set of a row is {k : score_k ≤ q̂} and nothing else: y ∈ C(x) exactly when y's score is ≤ q̂, which
 * is what the coverage guarantee is about.
 */
export function rowScores(probs: ArrayLike<number>, row: number, k: number, options: ResolvedScore, u: number, scratch: ScoreScratch, out: Float64Array): void {
  const offset = row * k;
  if (options.score === 'lac') {
    for (let c = 0; c < k; c++) out[c] = 1 - probs[offset + c]!;
    return;
  }
  const { order, rankOf, cumulative } = scratch;
  rankClasses(probs, offset, k, order, rankOf);
  let mass = 0;
  for (let r = 0; r < k; r++) {
    mass += probs[offset + order[r]!]!;
    cumulative[r] = Math.min(mass, 1);
  }
  cumulative[k - 1] = 1;
  for (let c = 0; c < k; c++) {
    const r = rankOf[c]!;
    const penalty = options.lambda * Math.max(0, r + 1 - options.kReg);
    out[c] = cumulative[r]! - (options.randomized ? u * probs[offset + c]! : 0) + penalty;
  }
}
