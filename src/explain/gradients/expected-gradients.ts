import { z } from 'zod';
import { GlassboxError } from '../../errors.js';
import type { Tensor } from '../../model/tensor.js';
import { Rng } from '../../rng.js';
import type { ExplainContext, Explainer } from '../explainer.js';
import { parseOptions, seedSchema } from '../options.js';
import { buildAttribution, gradientProperties, modelOutputs, outputSchema, prepare, type GradientModel, finishWork } from './common.js';
import { accumulateGradients, type PathPoint } from './path-integral.js';

const schema = z
  .object({
    /** Samples per row (captum GradientShap's n_samples = 5; Expected Gradients uses more). */
    samples: z.number().int().min(1).default(5),
    /** Gaussian noise σ added to the input per sample (captum's stdevs, default 0). */
    stdev: z.number().min(0).default(0),
    internalBatchSize: z.number().int().min(1).default(64),
    output: outputSchema,
    seed: seedSchema,
  })
  .strict();

export type ExpectedGradientsOptions = z.input<typeof schema>;

/**
 * Expected Gradients (Erion et al. 2021) / GradientSHAP (Lundberg & Lee 2017; captum's GradientShap):
 * E_{x′∼background, α∼U(0,1)} [(x − x′) · ∇f(x′ + α (x − x′))], estimated with `samples` draws per
 * row. `delta` = Σ attr − (f(x) − mean f(background)), zero in expectation (not per draw).
 */
export function expectedGradients(options: ExpectedGradientsOptions = {}): Explainer<GradientModel, Tensor> {
  const opts = parseOptions('expected-gradients', schema, options);
  const requires = ['differentiable'] as const;
  return Object.freeze({
    method: 'expected-gradients',
    requires,
    properties: gradientProperties(true, true),
    options: Object.freeze({ ...opts }),
    async explain(model: GradientModel, x: Tensor, context: ExplainContext<Tensor> = {}) {
      const bg = context.background;
      const rowSize0 = x.data.length / Math.max(1, x.shape[0] ?? 1);
      if (!bg || bg.data.length === 0 || bg.data.length % rowSize0 !== 0) {
        throw new GlassboxError('invalid_argument', 'expected-gradients needs background rows (context.background) in the input row shape.', { argument: 'background', hint: 'Pass a sample of training rows, e.g. 100 images.' });
      }
      const prepared = await prepare('expected-gradients', requires, model, x, context, opts.output);
      const { nRows, rowSize } = prepared;
      const nb = bg.data.length / rowSize;
      const draws: { b: number; alpha: number; noise: Rng | undefined }[] = [];
      for (let r = 0; r < nRows; r++) {
        const rng = new Rng(opts.seed); // fresh per row: a batch equals row-by-row calls
        for (let s = 0; s < opts.samples; s++) draws.push({ b: rng.int(nb), alpha: rng.next(), noise: opts.stdev > 0 ? rng.fork() : undefined });
      }
      const values = await batchedExpectedGradients(model, x, bg, prepared.target, draws, opts, context);
      const bgOut = await modelOutputs(model, bg, opts.output, context.signal);
      const baseValues = new Float64Array(nRows);
      const delta = new Float64Array(nRows);
      for (let r = 0; r < nRows; r++) {
        let mean = 0;
        for (let b = 0; b < nb; b++) mean += bgOut[b * model.outputWidth + prepared.target[r]!]!;
        baseValues[r] = mean / nb;
        let sum = 0;
        for (let j = 0; j < rowSize; j++) sum += values[r * rowSize + j]!;
        delta[r] = sum - (prepared.explained[r]! - baseValues[r]!);
      }
      finishWork(context, prepared.nRows);
      return buildAttribution({ method: 'expected-gradients', values, shape: x.shape, prepared, options: opts, baseValues, delta, seed: opts.seed });
    },
  });
}

function noisyRow(row: Float32Array, stdev: number, rng: Rng | undefined, out: Float32Array): Float32Array {
  if (!rng || stdev === 0) return row;
  for (let j = 0; j < row.length; j++) out[j] = row[j]! + stdev * rng.normal();
  return out;
}

async function batchedExpectedGradients(
  model: GradientModel,
  x: Tensor,
  bg: Tensor,
  target: Int32Array,
  draws: readonly { b: number; alpha: number; noise: Rng | undefined }[],
  opts: { samples: number; stdev: number; internalBatchSize: number; output: 'logits' | 'probabilities' },
  context: ExplainContext<Tensor>,
): Promise<Float64Array> {
  const nRows = x.shape[0]!;
  const rowSize = x.data.length / nRows;
  const values = new Float64Array(x.data.length);
  // Each draw is its own pseudo-row (its factor x − x′ differs), folded into its row afterwards.
  const pseudo = nRows * opts.samples;
  const targets = new Int32Array(pseudo);
  for (let k = 0; k < pseudo; k++) targets[k] = target[Math.floor(k / opts.samples)]!;
  const ends: Float32Array[] = [];
  function* points(): Generator<PathPoint> {
    for (let r = 0; r < nRows; r++) {
      for (let s = 0; s < opts.samples; s++) {
        const k = r * opts.samples + s;
        const d = draws[k]!;
        const to = noisyRow(x.data.subarray(r * rowSize, (r + 1) * rowSize), opts.stdev, d.noise, new Float32Array(rowSize));
        ends[k] = to;
        yield { row: k, from: bg.data.subarray(d.b * rowSize, (d.b + 1) * rowSize), to, alpha: d.alpha, weight: 1 };
      }
    }
  }
  const run = { model, shape: x.shape, nRows: pseudo, rowSize, target: targets, output: opts.output, internalBatchSize: opts.internalBatchSize, ...(context.signal ? { signal: context.signal } : {}), ...(context.onProgress ? { onProgress: context.onProgress } : {}) };
  const g = await accumulateGradients(run, points(), pseudo);
  for (let k = 0; k < pseudo; k++) {
    const r = Math.floor(k / opts.samples);
    const from = bg.data.subarray(draws[k]!.b * rowSize, (draws[k]!.b + 1) * rowSize);
    const to = ends[k]!;
    for (let j = 0; j < rowSize; j++) values[r * rowSize + j]! += (g[k * rowSize + j]! * (to[j]! - from[j]!)) / opts.samples;
  }
  return values;
}
