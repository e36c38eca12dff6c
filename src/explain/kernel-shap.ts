import { z } from 'zod';
import type { RawMatrix } from '../encode/encoder.js';
import type { Pipeline } from '../model/pipeline.js';
import { Rng } from '../rng.js';
import type { Explainer } from './explainer.js';
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
     * Give each sampled coalition size exactly its kernel mass (post-stratification; default true) instead
     * of shap's count-proportional weights (false reproduces shap's estimator exactly).
     */
    stratify: z.boolean().default(true),
    seed: seedSchema,
  })
  .strict();

export type KernelShapOptions = z.input<typeof schema>;

/**
 * KernelSHAP (Lundberg & Lee 2017, "A Unified Approach to Interpreting Model Predictions", §4.2),
 * following shap 0.44's `KernelExplainer`: Shapley-kernel weights, paired (complement) sampling,
 * complete enumeration of the coalition sizes the budget covers, duplicates counted not re-evaluated,
 * features that equal every background value are dropped (their φ is 0), and the weighted regression
 * with Σφ = f(x) − E f(background) enforced by elimination. Adds per-feature standard errors (delta
 * method over the random draws) and an optional early stop on a tolerance. Each row uses a fresh
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
  readonly opts: { samples: 'auto' | number; l1: L1Option; tolerance?: number | undefined; checkEvery: number; seed: number; stratify: boolean };
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
  const mv = varying.length;
  const plan = planCoalitions(mv, opts.samples === 'auto' ? autoSamples(mv) : opts.samples, new Rng(opts.seed));
  const full = expandMasks(plan, varying, m);
  const ey = new Float64Array(plan.nSamples);
  let evaluated = 0;
  const evaluate = async (upTo: number): Promise<void> => {
    if (upTo <= evaluated) return;
    const out = await masker.evaluate(x, players, full.subarray(evaluated * m, upTo * m), upTo - evaluated, signal);
    for (let i = evaluated; i < upTo; i++) ey[i] = out[(i - evaluated) * masker.outputWidth + target]! - base;
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
    solution = solveKernel({ plan, nSamples, nDraws, counts: drawCounts(plan, nDraws), ey, total, l1: opts.l1, stratify: opts.stratify });
  } while (nDraws < nDrawsAll && !(Math.max(...solution.stderr) < opts.tolerance!));
  for (let k = 0; k < mv; k++) {
    values[varying[k]!] = solution.phi[k]!;
    stderr[varying[k]!] = solution.stderr[k]!;
  }
  return { values, base, stderr, extra: { samples: evaluated, draws: nDraws } };
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

/** Masks over the varying players → masks over all players (non-varying players present). */
function expandMasks(plan: CoalitionPlan, varying: readonly number[], m: number): Uint8Array {
  const out = new Uint8Array(plan.nSamples * m).fill(1);
  for (let i = 0; i < plan.nSamples; i++) for (let k = 0; k < varying.length; k++) out[i * m + varying[k]!] = plan.masks[i * plan.m + k]!;
  return out;
}

function samplesNeeded(plan: CoalitionPlan, nDraws: number): number {
  let need = plan.nFixed;
  for (let d = 0; d < nDraws; d++) need = Math.max(need, plan.drawSample[d]! + 1 + plan.drawPaired[d]!);
  return need;
}
