import { z } from 'zod';
import type { Tensor } from '../../model/tensor.js';
import type { ExplainContext, Explainer } from '../explainer.js';
import { parseOptions } from '../options.js';
import { buildAttribution, gradientProperties, outputSchema, prepareWithGradients, type GradientModel, finishWork } from './common.js';

const saliencySchema = z.object({ abs: z.boolean().default(true), output: outputSchema }).strict();
const plainSchema = z.object({ output: outputSchema }).strict();

export type SaliencyOptions = z.input<typeof saliencySchema>;
export type PlainGradientOptions = z.input<typeof plainSchema>;

type Combine = (x: Float32Array, g: Float32Array, i: number) => number;

function gradientExplainer(method: string, options: Readonly<Record<string, unknown>>, output: 'logits' | 'probabilities', guided: boolean, combine: Combine): Explainer<GradientModel, Tensor> {
  const requires = ['differentiable'] as const;
  return Object.freeze({
    method,
    requires,
    properties: gradientProperties(false, false),
    options: Object.freeze({ ...options }),
    async explain(model: GradientModel, x: Tensor, context: ExplainContext<Tensor> = {}) {
      const { prepared, grads } = await prepareWithGradients(method, requires, model, x, context, output, guided);
      const values = new Float64Array(grads.length);
      for (let i = 0; i < grads.length; i++) values[i] = combine(x.data, grads, i);
      finishWork(context, prepared.nRows);
      return buildAttribution({ method, values, shape: x.shape, prepared, options });
    },
  });
}

/**
 * Saliency (Simonyan, Vedaldi & Zisserman 2014, "Deep Inside Convolutional Networks"): the gradient of
 * the target output w.r.t. the input; absolute by default, as captum's `Saliency(abs=True)`.
 */
export function saliency(options: SaliencyOptions = {}): Explainer<GradientModel, Tensor> {
  const opts = parseOptions('saliency', saliencySchema, options);
  return gradientExplainer('saliency', opts, opts.output, false, opts.abs ? (_x, g, i) => Math.abs(g[i]!) : (_x, g, i) => g[i]!);
}

/** Input × Gradient (Shrikumar et al. 2016), as captum's `InputXGradient`. */
export function inputXGradient(options: PlainGradientOptions = {}): Explainer<GradientModel, Tensor> {
  const opts = parseOptions('input-x-gradient', plainSchema, options);
  return gradientExplainer('input-x-gradient', opts, opts.output, false, (x, g, i) => x[i]! * g[i]!);
}

/**
 * Guided Backpropagation (Springenberg et al. 2015, "Striving for Simplicity"): every ReLU passes back
 * only positive gradients, as captum's `GuidedBackprop`. Fails the model-randomization sanity check
 * (Adebayo et al. 2018): see sanity-checks.ts.
 */
export function guidedBackprop(options: PlainGradientOptions = {}): Explainer<GradientModel, Tensor> {
  const opts = parseOptions('guided-backprop', plainSchema, options);
  return gradientExplainer('guided-backprop', opts, opts.output, true, (_x, g, i) => g[i]!);
}
