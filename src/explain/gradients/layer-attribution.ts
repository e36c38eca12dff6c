import { z } from 'zod';
import type { Tensor } from '../../model/tensor.js';
import type { ExplainContext, Explainer } from '../explainer.js';
import { parseOptions } from '../options.js';
import { buildAttribution, gradientProperties, outputSchema, prepare, type GradientModel, finishWork } from './common.js';

const schema = z
  .object({
    /** Name of any intermediate tensor (for ONNX: a node output name). */
    layer: z.string().min(1),
    /** 'activation-x-gradient' (captum LayerGradientXActivation) or the raw 'gradient'. */
    kind: z.enum(['activation-x-gradient', 'gradient', 'activation']).default('activation-x-gradient'),
    output: outputSchema,
  })
  .strict();

export type LayerAttributionOptions = z.input<typeof schema>;

/**
 * Layer attributions: A ⊙ ∂y/∂A for a named intermediate tensor A (captum's
 * LayerGradientXActivation; Shrikumar et al. 2016 applied to hidden units). Values have the layer's
 * shape [rows, …]; a linear head's layer attributions sum to the logit minus its bias.
 */
export function layerAttribution(options: LayerAttributionOptions): Explainer<GradientModel, Tensor> {
  const opts = parseOptions('layer-attribution', schema, options);
  const requires = ['differentiable'] as const;
  return Object.freeze({
    method: 'layer-attribution',
    requires,
    properties: Object.freeze({ ...gradientProperties(false, false), players: 'features' as const }),
    options: Object.freeze({ ...opts }),
    async explain(model: GradientModel, x: Tensor, context: ExplainContext<Tensor> = {}) {
      const prepared = await prepare('layer-attribution', requires, model, x, context, opts.output);
      const { activation, gradient } = await model.layerGradients(x, opts.layer, prepared.target, { output: opts.output });
      const values = new Float64Array(activation.data.length);
      for (let i = 0; i < values.length; i++) {
        const a = activation.data[i]!;
        const g = gradient.data[i]!;
        values[i] = opts.kind === 'gradient' ? g : opts.kind === 'activation' ? a : a * g;
      }
      finishWork(context, prepared.nRows);
      return buildAttribution({ method: 'layer-attribution', values, shape: activation.shape, prepared, options: opts });
    },
  });
}
