import { z } from 'zod';
import type { RawMatrix } from '../encode/encoder.js';
import type { Pipeline } from '../model/pipeline.js';
import { Rng } from '../rng.js';
import type { Explainer } from './explainer.js';
import { DEFAULT_RIDGE, fitPairs } from './kernel-shap/pair-fit.js';
import { seededPlan } from './kernel-shap/pair-sampler.js';
import type { PairPlan } from './kernel-shap/pair-sampler.js';
import { autoSamples, drawCounts, planCoalitions } from './kernel-shap/sampler.js';
import type { CoalitionPlan } from './kernel-shap/sampler.js';
import { solveKernel } from './kernel-shap/solve.js';
import type { L1Option } from './kernel-shap/solve.js';
import type { TabularMasker } from './maskers/tabular.js';
import { parseOptions, seedSchema } from './options.js';
import { explainTabularRows } from './tabular-input.js';
import type { RowResult } from './tabular-input.js';

const l1Schema = z.union([z.literal(false), z.enum(['auto', 'aic', 'bic']), z.object({ numFeatures: z.number().int().min(1) }).strict()]);

const schema = z
  .object({
    /** Coalitions to evaluate: 'auto' = 2M + 2048, always capped at 2^M − 2 (then every coalition is enumerated). */
    samples: z.union([z.literal('auto'), z.number().int().min(2)]).default('auto'),
    /**
     * L1 feature selection before the regression, as shap's `l1_reg`: false (default), 'auto' (AIC when
     * under 20% of the coalition space is sampled), 'aic', 'bic' or { numFeatures }.
     */
    l1: l1Schema.default(false),
    /** Stop sampling once every standard error is below this (checked every `checkEvery` draws). */
    tolerance: z.number().positive().optional(),
    checkEvery: z.number().int().min(1).default(256),
    /**
     * How coalitions are drawn and solved. 'adjusted' (default): complement pairs, stratified by size and
     * drawn without replacement, with a three-way regression adjustment; 'paired': the same coalitions,
     * plain KernelSHAP regression; 'shap': shap 0.44 KernelExplainer's sampler and estimator exactly (the
     * default when `l1` is set, which only that scheme supports).
     */
    scheme: z.enum(['adjusted', 'paired', 'shap']).optional(),
    seed: seedSchema,
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.l1 !== false && o.scheme !== undefined && o.scheme !== 'shap') ctx.addIssue({ code: 'custom', path: ['scheme'], message: `l1 feature selection is shap's and runs only with scheme 'shap' (got '${o.scheme}'); drop scheme or set l1: false` });
  });

export type KernelShapOptions = z.input<typeof schema>;

/**
 * KernelSHAP (Lundberg & Lee 2017, "A Unified Approach to Interpreting Model Predictions", §4.2): the
 * Shapley-kernel weighted regression over coalitions with Σφ = f(x) − E f(background), complete
 * enumeration of the coalition sizes the budget covers (as shap 0.44's `KernelExplainer`), features that
 * equal every background value dropped (their φ is 0). By default coalitions come in complement pairs
 * drawn without replacement within size classes (Musco & Witter 2025, "Provably Accurate Shapley Value
 * Estimation via Leverage Score Sampling"; Covert & Lee 2021) and the regression is adjusted by a fitted
 * three-way interaction surrogate (at small budgets with priors from the pairwise interactions in the even
 * half of each pair, with five-way terms when the marginal likelihood asks for them) whose Shapley values are exact (Witter, Liu & Musco 2025,
 * "Regression-adjusted Monte Carlo Estimators"): at the same number of model evaluations its error is a
 * fraction of shap's (bench/kernel-shap-accuracy.bench.ts). `scheme: 'shap'` reproduces shap's estimator.
 * Adds per-feature standard errors and an optional early stop on a tolerance. Each row uses a fresh
 * stream from `seed`, so a batch equals row-by-row calls.
 */
export function kernelShap(options: KernelShapOptions = {}): Explainer<Pipeline, RawMatrix> {
  const opts = parseOptions('kernel-shap', schema, options);
  return Object.freeze({
    method: 'kernel-shap',
    requires: [],
    properties: Object.freeze({ completeness: true, stochastic: true, access: 'model-agnostic', players: 'features' }),
    options: Object.freeze({ ...opts }),
    explain: (pipeline: Pipeline, x: RawMatrix, context = {}) =>
      explainTabularRows({
        method: 'kernel-shap',
        pipeline,
        x,
        context,
        options: opts,
        seed: opts.seed,
        withStderr: true,
        estimate: (input) => kernelRow({ ...input, opts }),
      }),
  });
}

interface RowInput {
  readonly x: Float64Array;
  readonly players: Int32Array;
  readonly target: number;
  readonly fx: Float64Array;
  readonly masker: TabularMasker;
  readonly signal: AbortSignal | undefined;
  readonly opts: { samples: 'auto' | number; l1: L1Option; tolerance?: number | undefined; checkEvery: number; seed: number; scheme?: 'adjusted' | 'paired' | 'shap' | undefined };
}

interface Game {
  readonly m: number;
  readonly total: number;
  /** Evaluates v(S) − v(∅) for a batch of masks over the varying players (row-major, 1 = present). */
  readonly evaluate: (masks: Uint8Array, count: number) => Promise<Float64Array>;
}

async function kernelRow(input: RowInput): Promise<RowResult> {
  const { x, players, target, masker, signal, opts } = input;
  const m = players.length;
  const empty = await masker.evaluate(x, players, new Uint8Array(m), 1, signal);
  const base = empty[target]!;
  const total = input.fx[target]! - base;
  const varying = varyingPlayers(masker, x, players);
  const values = new Float64Array(m);
  const stderr = new Float64Array(m);
  if (varying.length === 0) return { values, base, stderr };
  if (varying.length === 1) {
    values[varying[0]!] = total;
    return { values, base, stderr };
  }
  const game: Game = {
    m: varying.length,
    total,
    evaluate: async (masks, count) => {
      const out = await masker.evaluate(x, players, expandMasks(masks, count, varying, m), count, signal);
      return Float64Array.from({ length: count }, (_, i) => out[i * masker.outputWidth + target]! - base);
    },
  };
  const budget = opts.samples === 'auto' ? autoSamples(game.m) : opts.samples;
  const scheme = opts.scheme ?? (opts.l1 === false ? 'adjusted' : 'shap');
  const solved = scheme === 'shap' ? await shapScheme(game, budget, opts) : await pairedScheme(game, budget, opts, scheme === 'adjusted');
  for (let k = 0; k < game.m; k++) {
    values[varying[k]!] = solved.phi[k]!;
    stderr[varying[k]!] = solved.stderr[k]!;
  }
  return { values, base, stderr, extra: { samples: solved.samples, draws: solved.draws, adjusted: solved.adjusted } };
}

interface Solved {
  readonly phi: Float64Array;
  readonly stderr: Float64Array;
  readonly samples: number;
  readonly draws: number;
  /** Players whose three-way interactions the regression adjustment fitted (0: none). */
  readonly adjusted: number;
}

/** Complement pairs (stratified, without replacement) and the paired / regression-adjusted fit. */
async function pairedScheme(game: Game, budget: number, opts: RowInput['opts'], adjust: boolean): Promise<Solved> {
  const plan = seededPlan(game.m, budget, opts.seed, (seed) => new Rng(seed));
  const u = new Float64Array(plan.nPairs);
  const w = new Float64Array(plan.nPairs);
  let evaluated = 0;
  const evaluate = async (upTo: number): Promise<void> => {
    if (upTo <= evaluated) return;
    const ey = await game.evaluate(pairMasks(plan, evaluated, upTo), 2 * (upTo - evaluated));
    for (let q = evaluated; q < upTo; q++) {
      u[q] = ey[2 * (q - evaluated)]! - ey[2 * (q - evaluated) + 1]!;
      w[q] = ey[2 * (q - evaluated)]! + ey[2 * (q - evaluated) + 1]!;
    }
    evaluated = upTo;
  };
  const drawn = plan.nPairs - plan.nFixed;
  const step = opts.tolerance === undefined ? drawn : opts.checkEvery;
  let draws = 0;
  let solution;
  do {
    draws = Math.min(drawn, draws + step);
    await evaluate(plan.nFixed + draws);
    solution = fitPairs(plan, plan.nFixed + draws, u, game.total, { adjust, ridge: DEFAULT_RIDGE, even: w });
  } while (draws < drawn && !(Math.max(...solution.stderr) < opts.tolerance!));
  return { phi: solution.phi, stderr: solution.stderr, samples: 2 * evaluated, draws, adjusted: solution.interactionPlayers.length };
}

/** Masks of pairs [from, to): each side S followed by its complement. */
function pairMasks(plan: PairPlan, from: number, to: number): Uint8Array {
  const m = plan.m;
  const out = new Uint8Array(2 * (to - from) * m);
  for (let q = from; q < to; q++) {
    const o = 2 * (q - from) * m;
    for (let i = 0; i < m; i++) {
      const bit = plan.sides[q * m + i]!;
      out[o + i] = bit;
      out[o + m + i] = 1 - bit;
    }
  }
  return out;
}

/** shap 0.44 KernelExplainer: its sampler, count-proportional weights and regression (with optional L1). */
async function shapScheme(game: Game, budget: number, opts: RowInput['opts']): Promise<Solved> {
  const plan = planCoalitions(game.m, budget, new Rng(opts.seed));
  const ey = new Float64Array(plan.nSamples);
  let evaluated = 0;
  const evaluate = async (upTo: number): Promise<void> => {
    if (upTo <= evaluated) return;
    ey.set(await game.evaluate(plan.masks.subarray(evaluated * game.m, upTo * game.m), upTo - evaluated), evaluated);
    evaluated = upTo;
  };
  const nDrawsAll = plan.drawSample.length;
  const step = opts.tolerance === undefined ? nDrawsAll : opts.checkEvery;
  let nDraws = 0;
  let solution;
  do {
    nDraws = Math.min(nDrawsAll, nDraws + step);
    const nSamples = samplesNeeded(plan, nDraws);
    await evaluate(nSamples);
    solution = solveKernel({ plan, nSamples, nDraws, counts: drawCounts(plan, nDraws), ey, total: game.total, l1: opts.l1 });
  } while (nDraws < nDrawsAll && !(Math.max(...solution.stderr) < opts.tolerance!));
  return { phi: solution.phi, stderr: solution.stderr, samples: evaluated, draws: nDraws, adjusted: 0 };
}

/** Player positions whose value differs from x in at least one background row (NaN equals NaN). */
function varyingPlayers(masker: TabularMasker, x: Float64Array, players: Int32Array): number[] {
  const out: number[] = [];
  const bg = masker.backgroundData;
  const f = masker.nFeatures;
  for (let p = 0; p < players.length; p++) {
    const j = players[p]!;
    const v = x[j]!;
    for (let b = 0; b < masker.nBackground; b++) {
      const w = bg[b * f + j]!;
      if (w !== v && !(Number.isNaN(w) && Number.isNaN(v))) {
        out.push(p);
        break;
      }
    }
  }
  return out;
}

/** Masks over the varying players → masks over all m players (non-varying players present). */
function expandMasks(masks: Uint8Array, count: number, varying: readonly number[], m: number): Uint8Array {
  const mv = varying.length;
  const out = new Uint8Array(count * m).fill(1);
  for (let i = 0; i < count; i++) for (let k = 0; k < mv; k++) out[i * m + varying[k]!] = masks[i * mv + k]!;
  return out;
}

function samplesNeeded(plan: CoalitionPlan, nDraws: number): number {
  let need = plan.nFixed;
  for (let d = 0; d < nDraws; d++) need = Math.max(need, plan.drawSample[d]! + 1 + plan.drawPaired[d]!);
  return need;
}
