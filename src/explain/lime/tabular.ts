import { z } from 'zod';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { RawMatrix } from '../../encode/encoder.js';
import type { Pipeline } from '../../model/pipeline.js';
import { Rng } from '../../rng.js';
import type { Attribution } from '../attribution.js';
import type { ExplainContext, Explainer } from '../explainer.js';
import { r2FromMoments, ridgeFromMoments, weightedMoments } from '../linear/moments.js';
import type { WeightedMoments } from '../linear/moments.js';
import { parseOptions, seedSchema } from '../options.js';
import { assertCapabilities } from '../requirements.js';
import { checkRawMatrix } from '../tabular-input.js';
import { resolveTarget } from '../target.js';
import { binaryMoments, denseFromMasks, momentBuffers } from './binary-moments.js';
import type { MomentBuffers } from './binary-moments.js';
import { resolveLimeThreads, rowSampler } from './parallel.js';
import type { RowSampler, SampledRow } from './parallel.js';
import { explainedValues, samplingPlan } from './sampler.js';
import type { SamplingPlan } from './sampler.js';
import { TargetPredictor } from './predict.js';
import { selectFromMoments } from './select.js';
import { drawValue, searchLeft, tabularStats } from './tabular-stats.js';
import type { TabularStats } from './tabular-stats.js';

const schema = z
  .object({
    samples: z.number().int().min(2).default(5000),
    /** Kernel width of exp(−d²/w²)^½; default 0.75·√(features). */
    kernelWidth: z.number().positive().optional(),
    discretizer: z.union([z.enum(['quartile', 'decile']), z.literal(false)]).default('quartile'),
    featureSelection: z.enum(['auto', 'forward', 'highest_weights', 'lasso_path', 'none']).default('auto'),
    numFeatures: z.number().int().min(1).default(10),
    /** Ridge α of the local model. */
    alpha: z.number().min(0).default(1),
    sampleAroundInstance: z.boolean().default(false),
    /**
     * How to sample a quartile bin holding a single value (min = max, e.g. "n_credits <= 1" when 1 is the
     * minimum): 'value' (default) draws that value; 'lime' reproduces lime 0.2, whose undiscretize returns
     * the bin's z-score (min − mean)/std = 0 there, i.e. an out-of-range raw value 0.
     */
    degenerateBins: z.enum(['value', 'lime']).default('value'),
    /**
     * Threads drawing the samples (with a discretizer): 1 = this thread only; n > 1 adds n − 1 pooled
     * worker threads that draw ahead while the model runs; 'auto' = 2 when there are 2+ cores and at
     * least 20 000 samples in the call. The result is the same for any value.
     */
    threads: z.union([z.number().int().min(1).max(64), z.literal('auto')]).default('auto'),
    seed: seedSchema,
  })
  .strict();

export type LimeTabularOptions = z.input<typeof schema>;
type Opts = z.output<typeof schema>;

/**
 * LIME for tabular data (Ribeiro, Singh & Guestrin 2016, "Why should I trust you?"), with the defaults
 * of lime 0.2's `LimeTabularExplainer`: quartile discretization of numeric features, perturbations
 * drawn from the training statistics (context.background = training rows), binary interpretable
 * features (same category/bin as x), kernel √exp(−d²/w²) with w = 0.75·√d, 5000 samples, feature
 * selection 'auto', and a weighted Ridge(α=1) local model. Values hold the local weights of the
 * selected features (0 for the others); extras hold intercept, R² score, local prediction and the
 * discretized descriptions. Each row uses a fresh stream from `seed`.
 */
export function limeTabular(options: LimeTabularOptions = {}): Explainer<Pipeline, RawMatrix> {
  const opts = parseOptions('lime', schema, options);
  return Object.freeze({
    method: 'lime',
    requires: [],
    properties: Object.freeze({ completeness: false, stochastic: true, access: 'model-agnostic', players: 'features' }),
    options: Object.freeze({ ...opts }),
    explain: (pipe: Pipeline, x: RawMatrix, context: ExplainContext<RawMatrix> = {}) => explainLime(opts, pipe, x, context),
  });
}

async function explainLime(opts: Opts, pipe: Pipeline, x: RawMatrix, context: ExplainContext<RawMatrix>): Promise<Attribution> {
  assertCapabilities('lime', [], pipe.model);
  checkRawMatrix(pipe, x, 'x');
  const train = context.background;
  if (!train) {
    throw new GlassboxError('invalid_argument', 'lime needs training rows (context.background) to draw perturbations from', { argument: 'background', hint: 'Pass the training split (or a large sample of it) as context.background.' });
  }
  checkRawMatrix(pipe, train, 'background');
  throwIfAborted(context.signal);
  const stats = cachedStats(train, pipe, opts.discretizer);
  const work = workFor(opts, stats, x.nFeatures);
  // Started first, so that sampling workers draw the first rows while the explained rows are predicted.
  const sampler = work.plan ? rowSampler(work.plan, allExplainedValues(work.plan, stats, x), x.data, x.nRows, opts.seed, opts.samples, resolveLimeThreads(opts.threads, x.nRows * opts.samples)) : undefined;
  try {
    return await explainRows(opts, pipe, x, context, stats, work, sampler);
  } finally {
    await sampler?.close();
  }
}

async function explainRows(opts: Opts, pipe: Pipeline, x: RawMatrix, context: ExplainContext<RawMatrix>, stats: TabularStats, work: Work, sampler: RowSampler | undefined): Promise<Attribution> {
  const f = x.nFeatures;
  const predictor = new TargetPredictor(pipe);
  const fx = await predictor.predictAll(x, context.signal);
  const width = pipe.model.outputWidth;
  const target = resolveTarget(context.target, fx, x.nRows, pipe.model);
  const values = new Float64Array(x.nRows * f);
  const extras = { intercept: [] as number[], score: [] as number[], localPrediction: [] as number[], descriptions: [] as string[][], selected: [] as number[][] };
  const baseValues = new Float64Array(x.nRows);
  const outputs = new Float64Array(x.nRows);
  for (let r = 0; r < x.nRows; r++) {
    throwIfAborted(context.signal);
    const row = x.data.subarray(r * f, (r + 1) * f);
    const sampled = sampler ? await sampler.row(r) : undefined;
    const res = await limeRow(opts, stats, predictor, row, target[r]!, work, sampled, context.signal);
    sampler?.release(r);
    for (let k = 0; k < res.selected.length; k++) values[r * f + res.selected[k]!] = res.coef[k]!;
    baseValues[r] = res.intercept;
    outputs[r] = fx[r * width + target[r]!]!;
    extras.intercept.push(res.intercept);
    extras.score.push(res.score);
    extras.localPrediction.push(res.localPrediction);
    extras.descriptions.push(describe(stats, pipe, row));
    extras.selected.push(res.order);
    context.onProgress?.(r + 1, x.nRows);
  }
  return Object.freeze({ method: 'lime', values, shape: [x.nRows, f], baseValues, outputs, featureNames: pipe.encoder.features.map((feat) => feat.name), target, options: opts, seed: opts.seed, extras });
}

const statsCache = new WeakMap<Float64Array, WeakMap<object, Map<string, TabularStats>>>();

/** Training statistics are a pure function of (rows, encoder, discretizer): built once per triple, like lime's explainer. */
function cachedStats(train: RawMatrix, pipe: Pipeline, discretizer: Opts['discretizer']): TabularStats {
  let byEncoder = statsCache.get(train.data);
  if (!byEncoder) statsCache.set(train.data, (byEncoder = new WeakMap()));
  let byKind = byEncoder.get(pipe.encoder);
  if (!byKind) byEncoder.set(pipe.encoder, (byKind = new Map()));
  const key = `${String(discretizer)}:${train.nRows}`;
  let stats = byKind.get(key);
  if (!stats) byKind.set(key, (stats = tabularStats(train, pipe.encoder.features, discretizer)));
  return stats;
}

interface LimeRow {
  selected: number[];
  coef: Float64Array;
  intercept: number;
  score: number;
  localPrediction: number;
  /** Selected features by decreasing |weight| (lime's as_list order). */
  order: number[];
}

/**
 * Buffers of one explanation call, reused for every row: no per-sample or per-row allocation of the n × F
 * data. With a discretizer the samples (raw rows + interpretable bit masks) come from a RowSampler;
 * without one, `raw` and `interpretable` (dense) are drawn here.
 */
interface Work {
  readonly n: number;
  readonly f: number;
  readonly words: number;
  readonly raw: Float64Array;
  readonly interpretable: Float64Array | undefined;
  readonly labels: Float64Array;
  readonly weights: Float64Array;
  /** Kernel weight of a row differing from x in c bits, √exp(−c/w²). */
  readonly weightOf: Float64Array;
  readonly moments: MomentBuffers;
  readonly plan: SamplingPlan | undefined;
}

/** explainedValues of every row of x (nRows × F). */
function allExplainedValues(plan: SamplingPlan, stats: TabularStats, x: RawMatrix): Int32Array {
  const f = x.nFeatures;
  const out = new Int32Array(x.nRows * f);
  for (let r = 0; r < x.nRows; r++) explainedValues(plan, stats, x.data.subarray(r * f, (r + 1) * f), out.subarray(r * f, (r + 1) * f));
  return out;
}

function workFor(opts: Opts, stats: TabularStats, f: number): Work {
  const n = opts.samples;
  const words = Math.max(1, Math.ceil(f / 32));
  const discretized = stats.discretizer !== false;
  const kw = opts.kernelWidth ?? 0.75 * Math.sqrt(f);
  return {
    n,
    f,
    words,
    raw: new Float64Array(discretized ? 0 : n * f),
    interpretable: discretized ? undefined : new Float64Array(n * f),
    labels: new Float64Array(n),
    weights: new Float64Array(n),
    weightOf: Float64Array.from({ length: f + 1 }, (_, c) => Math.sqrt(Math.exp(-c / (kw * kw)))),
    moments: momentBuffers(f),
    plan: discretized ? cachedPlan(stats, opts.degenerateBins === 'lime') : undefined,
  };
}

const planCache = new WeakMap<TabularStats, Map<boolean, SamplingPlan>>();

function cachedPlan(stats: TabularStats, limeDegenerate: boolean): SamplingPlan {
  let byMode = planCache.get(stats);
  if (!byMode) planCache.set(stats, (byMode = new Map()));
  let plan = byMode.get(limeDegenerate);
  if (!plan) byMode.set(limeDegenerate, (plan = samplingPlan(stats, limeDegenerate)));
  return plan;
}

async function limeRow(opts: Opts, stats: TabularStats, predictor: TargetPredictor, x: Float64Array, target: number, work: Work, sampled: SampledRow | undefined, signal?: AbortSignal): Promise<LimeRow> {
  const { n, f, labels, weights } = work;
  if (!sampled) sampleContinuous(opts, stats, x, new Rng(opts.seed), n, work.raw, work.interpretable!);
  const raw = sampled?.raw ?? work.raw;
  await predictor.predict({ data: raw, nRows: n, nFeatures: f }, target, labels, signal);
  let moments: WeightedMoments;
  let x0: Float64Array;
  if (sampled) {
    moments = binaryMoments(sampled.masks, work.words, f, n, labels, 1, 0, work.weightOf, weights, work.moments);
    x0 = new Float64Array(f).fill(1);
  } else {
    const interpretable = work.interpretable!;
    const kw = opts.kernelWidth ?? 0.75 * Math.sqrt(f);
    for (let i = 0; i < n; i++) {
      let d2 = 0;
      for (let j = 0; j < f; j++) d2 += (interpretable[i * f + j]! - interpretable[j]!) ** 2;
      weights[i] = Math.sqrt(Math.exp(-d2 / (kw * kw)));
    }
    moments = weightedMoments(interpretable, f, labels, weights);
    x0 = interpretable.subarray(0, f);
  }
  const rows = (): { data: Float64Array; labels: Float64Array; weights: Float64Array } => ({ data: work.interpretable ?? denseFromMasks(sampled!.masks, work.words, f, n), labels, weights });
  const selected = selectFromMoments(moments, x0, opts.numFeatures, opts.featureSelection, rows);
  const fit = ridgeFromMoments(moments, selected, opts.alpha);
  const score = r2FromMoments(moments, selected, fit);
  let localPrediction = fit.intercept;
  selected.forEach((j, k) => (localPrediction += fit.coef[k]! * x0[j]!));
  const order = selected.map((j, k) => ({ j, w: fit.coef[k]! })).sort((a, b) => Math.abs(b.w) - Math.abs(a.w)).map((e) => e.j);
  return { selected, coef: fit.coef, intercept: fit.intercept, score, localPrediction, order };
}

/**
 * lime's `__data_inverse` without a discretizer: numeric features drawn from normal(mean, std) of the
 * training data (around x with sampleAroundInstance), interpretable = the scaled value; categorical
 * features from their training frequencies, interpretable = 1 when equal to x's category. Row 0 is x.
 */
function sampleContinuous(opts: Opts, stats: TabularStats, x: Float64Array, rng: Rng, n: number, inverse: Float64Array, interpretable: Float64Array): void {
  const f = x.length;
  for (let j = 0; j < f; j++) {
    if (stats.categorical[j]) {
      const x0 = x[j]!;
      for (let i = 1; i < n; i++) {
        const v = drawValue(stats, j, rng.nextUint32() * 2.3283064365386963e-10);
        interpretable[i * f + j] = v === x0 ? 1 : 0;
        inverse[i * f + j] = v;
      }
      interpretable[j] = 1;
    } else {
      const scale = stats.scale[j]!;
      const mean = stats.mean[j]!;
      const centre = opts.sampleAroundInstance ? x[j]! : mean;
      for (let i = 1; i < n; i++) {
        const value = rng.normal() * scale + centre;
        inverse[i * f + j] = value;
        interpretable[i * f + j] = (value - mean) / scale;
      }
      interpretable[j] = (x[j]! - mean) / scale;
    }
    inverse[j] = x[j]!;
  }
}

/** lime's feature descriptions: the bin name for a discretized feature, 'name=category' otherwise. */
function describe(stats: TabularStats, pipe: Pipeline, x: Float64Array): string[] {
  return pipe.encoder.features.map((feat, j) => {
    const borders = stats.borders[j];
    if (borders) return stats.binNames[j]![searchLeft(borders, x[j]!)]!;
    if (feat.type === 'categorical') return `${feat.name}=${feat.categories?.[x[j]!] ?? String(x[j])}`;
    return `${feat.name}=${x[j]}`;
  });
}
