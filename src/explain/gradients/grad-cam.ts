import { z } from 'zod';
import { GlassboxError } from '../../errors.js';
import type { Tensor } from '../../model/tensor.js';
import type { ExplainContext, Explainer } from '../explainer.js';
import { parseOptions } from '../options.js';
import { buildAttribution, gradientProperties, gradientsOf, outputSchema, prepare, type GradientModel, type OutputSpace, finishWork } from './common.js';
import { upsample } from './upsample.js';

const schema = z
  .object({
    /** Name of a 4-D [N, C, h, w] tensor (for ONNX: a node output, e.g. '/conv2/Conv_output_0'). */
    layer: z.string().min(1),
    /** ReLU on the map: false is captum's LayerGradCam default; true is the original Grad-CAM. */
    relu: z.boolean().default(false),
    upsample: z.enum(['bilinear', 'nearest']).default('bilinear'),
    output: outputSchema,
  })
  .strict();

export type GradCamOptions = z.input<typeof schema>;

/** Raw Grad-CAM maps [N, h, w]: Σ_c mean_{h,w}(∂y/∂A_c) · A_c (Selvaraju et al. 2017). */
export async function gradCamMaps(model: GradientModel, x: Tensor, layer: string, target: Int32Array, output: OutputSpace, relu: boolean): Promise<{ maps: Float64Array; h: number; w: number }> {
  const { activation, gradient } = await model.layerGradients(x, layer, target, { output });
  if (activation.shape.length !== 4) {
    throw new GlassboxError('invalid_argument', `grad-cam: layer '${layer}' has shape [${activation.shape.join(', ')}]; a 4-D [N, C, h, w] convolutional tensor is needed.`, { argument: 'layer', hint: 'Pick the output of the last convolution (before pooling).' });
  }
  const [n, c, h, w] = activation.shape as [number, number, number, number];
  const maps = new Float64Array(n * h * w);
  const plane = h * w;
  for (let r = 0; r < n; r++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (r * c + ch) * plane;
      let mean = 0;
      for (let k = 0; k < plane; k++) mean += gradient.data[base + k]!;
      mean /= plane;
      for (let k = 0; k < plane; k++) maps[r * plane + k]! += mean * activation.data[base + k]!;
    }
  }
  if (relu) for (let i = 0; i < maps.length; i++) maps[i] = Math.max(0, maps[i]!);
  return { maps, h, w };
}

function spatial(x: Tensor): { c: number; hh: number; ww: number } {
  if (x.shape.length !== 4) throw new GlassboxError('shape_mismatch', `grad-cam: x has shape [${x.shape.join(', ')}]; images [N, C, H, W] are needed.`, { argument: 'x', hint: 'Reshape images to NCHW.' });
  return { c: x.shape[1]!, hh: x.shape[2]!, ww: x.shape[3]! };
}

/** Upsampled map replicated over the input's channels, so values have the input's shape. */
function toInputShape(up: Float64Array, n: number, c: number, plane: number): Float64Array {
  if (c === 1) return up;
  const out = new Float64Array(n * c * plane);
  for (let r = 0; r < n; r++) for (let ch = 0; ch < c; ch++) out.set(up.subarray(r * plane, (r + 1) * plane), (r * c + ch) * plane);
  return out;
}

/**
 * Grad-CAM (Selvaraju et al. 2017) on a named layer, as captum's `LayerGradCam` followed by
 * `LayerAttribution.interpolate(map, (H, W), 'bilinear')` (torch bilinear, align_corners=False).
 * Values have the input's shape (the map is repeated over channels); the raw h×w maps are in extras.
 */
export function gradCam(options: GradCamOptions): Explainer<GradientModel, Tensor> {
  const opts = parseOptions('grad-cam', schema, options);
  const requires = ['differentiable'] as const;
  return Object.freeze({
    method: 'grad-cam',
    requires,
    properties: gradientProperties(false, false),
    options: Object.freeze({ ...opts }),
    async explain(model: GradientModel, x: Tensor, context: ExplainContext<Tensor> = {}) {
      const { c, hh, ww } = spatial(x);
      const prepared = await prepare('grad-cam', requires, model, x, context, opts.output);
      const { maps, h, w } = await gradCamMaps(model, x, opts.layer, prepared.target, opts.output, opts.relu);
      const up = upsample(maps, prepared.nRows, h, w, hh, ww, opts.upsample);
      finishWork(context, prepared.nRows);
      return buildAttribution({ method: 'grad-cam', values: toInputShape(up, prepared.nRows, c, hh * ww), shape: x.shape, prepared, options: opts, extras: { rawMaps: Array.from(maps), rawShape: [prepared.nRows, h, w] } });
    },
  });
}

const guidedSchema = schema.extend({ relu: z.boolean().default(true), upsample: z.enum(['bilinear', 'nearest']).default('nearest') });
export type GuidedGradCamOptions = z.input<typeof guidedSchema>;

/**
 * Guided Grad-CAM (Selvaraju et al. 2017): guided backprop × the ReLU'd Grad-CAM map upsampled to
 * the input (nearest by default), as captum's `GuidedGradCam`.
 */
export function guidedGradCam(options: GuidedGradCamOptions): Explainer<GradientModel, Tensor> {
  const opts = parseOptions('guided-grad-cam', guidedSchema, options);
  const requires = ['differentiable'] as const;
  return Object.freeze({
    method: 'guided-grad-cam',
    requires,
    properties: gradientProperties(false, false),
    options: Object.freeze({ ...opts }),
    async explain(model: GradientModel, x: Tensor, context: ExplainContext<Tensor> = {}) {
      const { c, hh, ww } = spatial(x);
      const prepared = await prepare('guided-grad-cam', requires, model, x, context, opts.output);
      const { maps, h, w } = await gradCamMaps(model, x, opts.layer, prepared.target, opts.output, opts.relu);
      const up = toInputShape(upsample(maps, prepared.nRows, h, w, hh, ww, opts.upsample), prepared.nRows, c, hh * ww);
      const guided = await gradientsOf(model, x, prepared.target, opts.output, { ...(context.signal ? { signal: context.signal } : {}), guided: true });
      const values = new Float64Array(guided.length);
      // + 0 turns −0 (a negative gradient times a zero map) into 0, so values survive a JSON round trip unchanged.
      for (let i = 0; i < values.length; i++) values[i] = guided[i]! * up[i]! + 0;
      finishWork(context, prepared.nRows);
      return buildAttribution({ method: 'guided-grad-cam', values, shape: x.shape, prepared, options: opts });
    },
  });
}
