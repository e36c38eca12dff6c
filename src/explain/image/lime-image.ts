import { z } from 'zod';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import { Rng } from '../../rng.js';
import type { Attribution } from '../attribution.js';
import type { ExplainContext, Explainer } from '../explainer.js';
import { r2FromMoments, ridgeFromMoments, weightedMoments } from '../linear/moments.js';
import { selectFeatures } from '../lime/select.js';
import { parseOptions, seedSchema } from '../options.js';
import { assertCapabilities } from '../requirements.js';
import { resolveTarget } from '../target.js';
import { quickshift } from './quickshift.js';
import { slic } from './slic.js';

const schema = z
  .object({
    samples: z.number().int().min(2).default(1000),
    kernelWidth: z.number().positive().default(0.25),
    segmentation: z
      .union([
        z.object({ method: z.literal('quickshift'), kernelSize: z.number().positive().default(4), maxDist: z.number().positive().default(200), ratio: z.number().min(0).default(0.2) }).strict(),
        z.object({ method: z.literal('slic'), nSegments: z.number().int().min(1).default(100), compactness: z.number().positive().default(10) }).strict(),
      ])
      .default({ method: 'quickshift', kernelSize: 4, maxDist: 200, ratio: 0.2 }),
    /** What hides a superpixel: its mean colour ('mean', lime's hide_color=None) or a constant. */
    hideColor: z.union([z.literal('mean'), z.number()]).default('mean'),
    numFeatures: z.number().int().min(1).default(100000),
    featureSelection: z.enum(['auto', 'forward', 'highest_weights', 'lasso_path', 'none']).default('auto'),
    alpha: z.number().min(0).default(1),
    batchSize: z.number().int().min(1).default(256),
    seed: seedSchema,
  })
  .strict();

export type LimeImageOptions = z.input<typeof schema>;
type Opts = z.output<typeof schema>;

/**
 * LIME for images (Ribeiro et al. 2016) with lime 0.2 `LimeImageExplainer` defaults: superpixels by
 * quickshift (kernel 4, max_dist 200, ratio 0.2; SLIC optional), each superpixel on/off at random
 * (p = ½), hidden superpixels filled with their mean colour, 1000 samples, cosine distance (not ×100,
 * unlike lime_text) with kernel √exp(−d²/0.25²), feature selection and a weighted Ridge(α=1). x is [N, C, H, W]; values are
 * per pixel [N, H, W] (the weight of the pixel's superpixel); extras hold segments and weights.
 */
export function limeImage(options: LimeImageOptions = {}): Explainer<Model, Tensor> {
  const opts = parseOptions('lime-image', schema, options);
  return Object.freeze({
    method: 'lime-image',
    requires: [],
    properties: Object.freeze({ completeness: false, stochastic: true, access: 'model-agnostic', players: 'superpixels' }),
    options: Object.freeze({ ...opts }),
    explain: (model: Model, x: Tensor, context: ExplainContext<Tensor> = {}) => explainImages(opts, model, x, context),
  });
}

async function explainImages(opts: Opts, model: Model, x: Tensor, context: ExplainContext<Tensor>): Promise<Attribution> {
  assertCapabilities('lime-image', [], model);
  if (x.shape.length !== 4) throw new GlassboxError('shape_mismatch', `lime-image: x has shape [${x.shape.join(', ')}]; images [N, C, H, W] are needed`, { argument: 'x', hint: 'Reshape the images to NCHW.' });
  const [n, c, h, w] = x.shape as [number, number, number, number];
  throwIfAborted(context.signal);
  const fx = await model.predict(x, context.signal ? { signal: context.signal } : undefined);
  const target = resolveTarget(context.target, fx, n, model);
  const size = c * h * w;
  const values = new Float64Array(n * h * w);
  const baseValues = new Float64Array(n);
  const outputs = new Float64Array(n);
  const extras = { segments: [] as number[][], segmentWeights: [] as number[][], intercept: [] as number[], score: [] as number[] };
  for (let r = 0; r < n; r++) {
    throwIfAborted(context.signal);
    const image = x.data.subarray(r * size, (r + 1) * size);
    const seg = opts.segmentation.method === 'slic' ? slic(image, c, h, w, opts.segmentation) : quickshift(image, c, h, w, opts.segmentation);
    const res = await limeOne(opts, model, image, [c, h, w], seg.labels, seg.count, target[r]!, context.signal);
    for (let p = 0; p < h * w; p++) values[r * h * w + p] = res.weights[seg.labels[p]!]!;
    baseValues[r] = res.intercept;
    outputs[r] = fx[r * model.outputWidth + target[r]!]!;
    extras.segments.push(Array.from(seg.labels));
    extras.segmentWeights.push(Array.from(res.weights));
    extras.intercept.push(res.intercept);
    extras.score.push(res.score);
    context.onProgress?.(r + 1, n);
  }
  return Object.freeze({ method: 'lime-image', values, shape: [n, h, w], baseValues, outputs, featureNames: Array.from({ length: h * w }, (_, p) => `pixel ${p}`), target, options: opts, seed: opts.seed, extras });
}

async function limeOne(opts: Opts, model: Model, image: Float32Array, [c, h, w]: [number, number, number], labels: Int32Array, d: number, target: number, signal?: AbortSignal): Promise<{ weights: Float64Array; intercept: number; score: number }> {
  const hw = h * w;
  const fudged = new Float32Array(c * hw);
  if (opts.hideColor === 'mean') {
    const sum = new Float64Array(d * c);
    const count = new Float64Array(d);
    for (let p = 0; p < hw; p++) {
      count[labels[p]!]! += 1;
      for (let ch = 0; ch < c; ch++) sum[labels[p]! * c + ch]! += image[ch * hw + p]!;
    }
    for (let p = 0; p < hw; p++) for (let ch = 0; ch < c; ch++) fudged[ch * hw + p] = sum[labels[p]! * c + ch]! / count[labels[p]!]!;
  } else fudged.fill(opts.hideColor);
  const rng = new Rng(opts.seed);
  const n = opts.samples;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) data[i] = i < d ? 1 : rng.nextUint32() & 1;
  const y = new Float64Array(n);
  const size = c * hw;
  for (let start = 0; start < n; start += opts.batchSize) {
    throwIfAborted(signal);
    const end = Math.min(n, start + opts.batchSize);
    const batch = new Float32Array((end - start) * size);
    for (let i = start; i < end; i++) {
      const dst = batch.subarray((i - start) * size, (i - start + 1) * size);
      for (let ch = 0; ch < c; ch++) for (let p = 0; p < hw; p++) dst[ch * hw + p] = data[i * d + labels[p]!] ? image[ch * hw + p]! : fudged[ch * hw + p]!;
    }
    const out = await model.predict({ data: batch, shape: [end - start, c, h, w] }, signal ? { signal } : undefined);
    for (let i = start; i < end; i++) y[i] = out[(i - start) * model.outputWidth + target]!;
  }
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let ones = 0;
    for (let j = 0; j < d; j++) ones += data[i * d + j]!;
    const dist = ones === 0 ? 1 : 1 - ones / Math.sqrt(ones * d);
    weights[i] = Math.sqrt(Math.exp(-(dist * dist) / (opts.kernelWidth * opts.kernelWidth)));
  }
  const moments = weightedMoments(data, d, y, weights);
  const selected = selectFeatures(data, d, y, weights, Math.min(opts.numFeatures, d), opts.featureSelection, moments);
  const fit = ridgeFromMoments(moments, selected, opts.alpha);
  const out = new Float64Array(d);
  selected.forEach((j, k) => (out[j] = fit.coef[k]!));
  return { weights: out, intercept: fit.intercept, score: r2FromMoments(moments, selected, fit) };
}
