import { z } from 'zod';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { RawMatrix } from '../../encode/encoder.js';
import type { Pipeline } from '../../model/pipeline.js';
import { Rng } from '../../rng.js';
import type { Attribution } from '../attribution.js';
import type { ExplainContext, Explainer } from '../explainer.js';
import { r2FromMoments, ridgeFromMoments, weightedMoments } from '../linear/moments.js';
import { TabularMasker } from '../maskers/tabular.js';
import { parseOptions, seedSchema } from '../options.js';
import { assertCapabilities } from '../requirements.js';
import { checkRawMatrix } from '../tabular-input.js';
import { resolveTarget } from '../target.js';
import { selectFeatures } from './select.js';
import { searchLeft, tabularStats, undiscretize } from './tabular-stats.js';
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
  const masker = new TabularMasker(pipe, train);
  const f = x.nFeatures;
  const fx = await masker.predict(x, context.signal);
  const width = masker.outputWidth;
  const target = resolveTarget(context.target, fx, x.nRows, pipe.model);
  const values = new Float64Array(x.nRows * f);
  const extras = { intercept: [] as number[], score: [] as number[], localPrediction: [] as number[], descriptions: [] as string[][], selected: [] as number[][] };
  const baseValues = new Float64Array(x.nRows);
  const outputs = new Float64Array(x.nRows);
  for (let r = 0; r < x.nRows; r++) {
    throwIfAborted(context.signal);
    const row = x.data.subarray(r * f, (r + 1) * f);
    const res = await limeRow(opts, stats, masker, row, target[r]!, context.signal);
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
  return Object.freeze({
    method: 'lime',
    values,
    shape: [x.nRows, f],
    baseValues,
    outputs,
    featureNames: pipe.encoder.features.map((feat) => feat.name),
    target,
    options: opts,
    seed: opts.seed,
    extras,
  });
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

async function limeRow(opts: Opts, stats: TabularStats, masker: TabularMasker, x: Float64Array, target: number, signal?: AbortSignal): Promise<LimeRow> {
  const f = x.length;
  const n = opts.samples;
  const { interpretable, inverse } = sample(opts, stats, x, new Rng(opts.seed));
  const y = await masker.predict({ data: inverse, nRows: n, nFeatures: f }, signal);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) labels[i] = y[i * masker.outputWidth + target]!;
  const kw = opts.kernelWidth ?? 0.75 * Math.sqrt(f);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let d2 = 0;
    for (let j = 0; j < f; j++) d2 += (interpretable[i * f + j]! - interpretable[j]!) ** 2;
    weights[i] = Math.sqrt(Math.exp(-d2 / (kw * kw)));
  }
  const moments = weightedMoments(interpretable, f, labels, weights);
  const selected = selectFeatures(interpretable, f, labels, weights, opts.numFeatures, opts.featureSelection, moments);
  const fit = ridgeFromMoments(moments, selected, opts.alpha);
  const score = r2FromMoments(moments, selected, fit);
  let localPrediction = fit.intercept;
  selected.forEach((j, k) => (localPrediction += fit.coef[k]! * interpretable[j]!));
  const order = selected.map((j, k) => ({ j, w: fit.coef[k]! })).sort((a, b) => Math.abs(b.w) - Math.abs(a.w)).map((e) => e.j);
  return { selected, coef: fit.coef, intercept: fit.intercept, score, localPrediction, order };
}

/**
 * lime's `__data_inverse`: the interpretable rows (binary with a discretizer; scaled values otherwise)
 * and the raw rows the model sees. Row 0 is x itself.
 */
function sample(opts: Opts, stats: TabularStats, x: Float64Array, rng: Rng): { interpretable: Float64Array; inverse: Float64Array } {
  const f = x.length;
  const n = opts.samples;
  const interpretable = new Float64Array(n * f);
  const inverse = new Float64Array(n * f);
  const discretized = stats.discretizer !== false;
  for (let j = 0; j < f; j++) {
    const borders = stats.borders[j];
    const categoricalHere = discretized || stats.categorical[j];
    const x0 = borders ? searchLeft(borders, x[j]!) : x[j]!;
    if (categoricalHere) {
      const cum = stats.cumFreq[j]!;
      const vals = stats.values[j]!;
      const last = cum.length - 1;
      const limeDegenerate = opts.degenerateBins === 'lime';
      for (let i = 1; i < n; i++) {
        // inverse-CDF draw over the (few) training values
        const u = rng.nextUint32() * 2.3283064365386963e-10;
        let k = 0;
        while (k < last && u >= cum[k]!) k++;
        const v = vals[k]!;
        interpretable[i * f + j] = v === x0 ? 1 : 0;
        inverse[i * f + j] = borders ? undiscretize(stats, j, v, rng, limeDegenerate) : v;
      }
    } else {
      for (let i = 1; i < n; i++) {
        const value = rng.normal() * stats.scale[j]! + (opts.sampleAroundInstance ? x[j]! : stats.mean[j]!);
        inverse[i * f + j] = value;
        interpretable[i * f + j] = (value - stats.mean[j]!) / stats.scale[j]!;
      }
    }
    interpretable[j] = categoricalHere ? 1 : (x[j]! - stats.mean[j]!) / stats.scale[j]!;
    inverse[j] = x[j]!;
  }
  return { interpretable, inverse };
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
