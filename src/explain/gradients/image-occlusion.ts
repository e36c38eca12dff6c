import { z } from 'zod';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import type { ExplainContext, Explainer } from '../explainer.js';
import { parseOptions } from '../options.js';
import { buildAttribution, modelOutputs, outputSchema, prepare, finishWork } from './common.js';

const pair = z.tuple([z.number().int().min(1), z.number().int().min(1)]);
const schema = z
  .object({
    /** Window [h, w]; it spans all channels (captum's sliding_window_shapes = (C, h, w)). */
    window: pair.default([4, 4]),
    strides: pair.default([2, 2]),
    baseline: z.number().default(0),
    /** Occluded images per model call. */
    batchSize: z.number().int().min(1).default(256),
    output: outputSchema,
  })
  .strict();

export type ImageOcclusionOptions = z.input<typeof schema>;

/**
 * Occlusion (Zeiler & Fergus 2014) with captum 0.7's `Occlusion` semantics: windows at top-left
 * corners 0, s, 2s, … that fit, each set to the baseline; a pixel's attribution is the mean, over the
 * windows covering it, of f(x) − f(x with the window occluded). Needs predictions only.
 */
export function imageOcclusion(options: ImageOcclusionOptions = {}): Explainer<Model, Tensor> {
  const opts = parseOptions('image-occlusion', schema, options);
  return Object.freeze({
    method: 'image-occlusion',
    requires: [],
    properties: Object.freeze({ completeness: false, stochastic: false, access: 'model-agnostic', players: 'pixels' }),
    options: Object.freeze({ ...opts }),
    async explain(model: Model, x: Tensor, context: ExplainContext<Tensor> = {}) {
      if (x.shape.length !== 4) throw new GlassboxError('shape_mismatch', `image-occlusion: x has shape [${x.shape.join(', ')}]; images [N, C, H, W] are needed.`, { argument: 'x', hint: 'Reshape images to NCHW.' });
      const [, c, h, w] = x.shape as [number, number, number, number];
      const [wh, ww] = opts.window;
      const [sh, sw] = opts.strides;
      if (wh > h || ww > w) throw new GlassboxError('invalid_argument', `image-occlusion: window ${wh}×${ww} is larger than the ${h}×${w} image.`, { argument: 'window', hint: 'Use a smaller window.' });
      const prepared = await prepare('image-occlusion', [], model, x, context, opts.output);
      const ny = Math.floor((h - wh) / sh) + 1;
      const nx = Math.floor((w - ww) / sw) + 1;
      const rowSize = c * h * w;
      const values = new Float64Array(x.data.length);
      const counts = new Float64Array(h * w);
      for (let iy = 0; iy < ny; iy++) for (let ix = 0; ix < nx; ix++) for (let dy = 0; dy < wh; dy++) for (let dx = 0; dx < ww; dx++) counts[(iy * sh + dy) * w + ix * sw + dx]! += 1;
      const windows = ny * nx;
      const batch = new Float32Array(opts.batchSize * rowSize);
      for (let r = 0; r < prepared.nRows; r++) {
        const row = x.data.subarray(r * rowSize, (r + 1) * rowSize);
        const t = prepared.target[r]!;
        for (let start = 0; start < windows; start += opts.batchSize) {
          throwIfAborted(context.signal);
          const end = Math.min(windows, start + opts.batchSize);
          for (let k = start; k < end; k++) {
            const off = (k - start) * rowSize;
            batch.set(row, off);
            const y0 = Math.floor(k / nx) * sh;
            const x0 = (k % nx) * sw;
            for (let ch = 0; ch < c; ch++) for (let dy = 0; dy < wh; dy++) batch.fill(opts.baseline, off + ch * h * w + (y0 + dy) * w + x0, off + ch * h * w + (y0 + dy) * w + x0 + ww);
          }
          const out = await modelOutputs(model, { data: batch.subarray(0, (end - start) * rowSize), shape: [end - start, c, h, w] }, opts.output, context.signal);
          for (let k = start; k < end; k++) {
            const diff = prepared.explained[r]! - out[(k - start) * model.outputWidth + t]!;
            const y0 = Math.floor(k / nx) * sh;
            const x0 = (k % nx) * sw;
            for (let ch = 0; ch < c; ch++) for (let dy = 0; dy < wh; dy++) for (let dx = 0; dx < ww; dx++) values[r * rowSize + ch * h * w + (y0 + dy) * w + x0 + dx]! += diff;
          }
          context.onProgress?.(r * windows + end, prepared.nRows * windows);
        }
        for (let ch = 0; ch < c; ch++) for (let p = 0; p < h * w; p++) {
          const i = r * rowSize + ch * h * w + p;
          values[i] = counts[p]! > 0 ? values[i]! / counts[p]! : 0;
        }
      }
      finishWork(context, prepared.nRows);
      return buildAttribution({ method: 'image-occlusion', values, shape: x.shape, prepared, options: opts });
    },
  });
}
