import { z } from 'zod';
import { throwIfAborted } from '../../errors.js';
import type { Tensor } from '../../model/tensor.js';
import { Rng } from '../../rng.js';
import type { ExplainContext, Explainer } from '../explainer.js';
import { parseOptions, seedSchema } from '../options.js';
import { buildAttribution, gradientProperties, gradientsOf, outputSchema, prepare, type GradientModel, finishWork, valueRange } from './common.js';

const schema = z
  .object({
    /** Noisy samples per input (SmoothGrad paper: 50). */
    samples: z.number().int().min(1).default(50),
    /** Noise σ as a fraction of each input's value range (max − min), paper default 0.15. */
    sigma: z.number().min(0).default(0.15),
    variant: z.enum(['smoothgrad', 'smoothgrad-sq', 'vargrad']).default('smoothgrad'),
    /** What is averaged: the gradient, or input × gradient. */
    base: z.enum(['gradient', 'input-x-gradient']).default('gradient'),
    /** Absolute value of each sample before averaging (captum's NoiseTunnel(Saliency) default). */
    abs: z.boolean().default(false),
    /** Noisy inputs per model call. */
    internalBatchSize: z.number().int().min(1).default(64),
    output: outputSchema,
    seed: seedSchema,
  })
  .strict();

export type SmoothGradOptions = z.input<typeof schema>;

/**
 * SmoothGrad (Smilkov et al. 2017) and its variants SmoothGrad² and VarGrad (Adebayo et al. 2018,
 * "Local Explanation Methods for Deep Neural Networks Lack Sensitivity to Parameter Values"):
 * the mean, mean of squares, or variance of gradients at x + N(0, (σ·(max x − min x))²), as captum's
 * NoiseTunnel. Each row draws from a fresh stream seeded with `seed` (a batch equals row-by-row
 * calls); stderr is the sampling error of
 * the mean (smoothgrad and smoothgrad-sq).
 */
export function smoothGrad(options: SmoothGradOptions = {}): Explainer<GradientModel, Tensor> {
  const opts = parseOptions('smoothgrad', schema, options);
  const requires = ['differentiable'] as const;
  return Object.freeze({
    method: opts.variant,
    requires,
    properties: gradientProperties(false, true),
    options: Object.freeze({ ...opts }),
    async explain(model: GradientModel, x: Tensor, context: ExplainContext<Tensor> = {}) {
      const prepared = await prepare(opts.variant, requires, model, x, context, opts.output);
      const { nRows, rowSize } = prepared;
      const sum = new Float64Array(x.data.length);
      const sumSq = new Float64Array(x.data.length);
      const rngs = Array.from({ length: nRows }, () => new Rng(opts.seed));
      const total = nRows * opts.samples;
      const batch = new Float32Array(opts.internalBatchSize * rowSize);
      const targets = new Int32Array(opts.internalBatchSize);
      const rowOf = new Int32Array(opts.internalBatchSize);
      let filled = 0;
      let done = 0;
      const flush = async (): Promise<void> => {
        throwIfAborted(context.signal);
        const xb: Tensor = { data: batch.subarray(0, filled * rowSize), shape: [filled, ...x.shape.slice(1)] };
        const g = await gradientsOf(model, xb, targets.subarray(0, filled), opts.output, context.signal ? { signal: context.signal } : {});
        for (let p = 0; p < filled; p++) {
          const base = rowOf[p]! * rowSize;
          for (let j = 0; j < rowSize; j++) {
            let v = g[p * rowSize + j]!;
            if (opts.base === 'input-x-gradient') v *= batch[p * rowSize + j]!;
            if (opts.abs) v = Math.abs(v);
            sum[base + j]! += v;
            sumSq[base + j]! += v * v;
          }
        }
        done += filled;
        context.onProgress?.(done, total);
        filled = 0;
      };
      for (let r = 0; r < nRows; r++) {
        const row = x.data.subarray(r * rowSize, (r + 1) * rowSize);
        const { lo, hi } = valueRange(row);
        const sd = opts.sigma * (hi - lo);
        for (let s = 0; s < opts.samples; s++) {
          const off = filled * rowSize;
          for (let j = 0; j < rowSize; j++) batch[off + j] = row[j]! + sd * rngs[r]!.normal();
          targets[filled] = prepared.target[r]!;
          rowOf[filled] = r;
          filled++;
          if (filled === opts.internalBatchSize) await flush();
        }
      }
      if (filled > 0) await flush();
      const n = opts.samples;
      const values = new Float64Array(sum.length);
      const stderr = new Float64Array(sum.length);
      for (let i = 0; i < sum.length; i++) {
        const mean = sum[i]! / n;
        const meanSq = sumSq[i]! / n;
        const variance = Math.max(0, meanSq - mean * mean);
        values[i] = opts.variant === 'smoothgrad' ? mean : opts.variant === 'smoothgrad-sq' ? meanSq : variance;
        stderr[i] = opts.variant === 'smoothgrad' && n > 1 ? Math.sqrt((variance * n) / (n - 1) / n) : 0;
      }
      finishWork(context, prepared.nRows);
      return buildAttribution({ method: opts.variant, values, shape: x.shape, prepared, options: opts, seed: opts.seed, ...(opts.variant === 'smoothgrad' ? { stderr } : {}) });
    },
  });
}
