import type { Differentiable, GradientTarget, LossGradientOptions } from './capabilities.js';
import type { Model, PredictOptions } from './model.js';
import type { Tensor } from './tensor.js';

export type ImageLayout = 'nchw' | 'nhwc';

const CHANNELS = new Set([1, 3, 4]);

/** [n, H, W, C] when the last axis looks like channels (1, 3 or 4) and the second does not; else [n, C, H, W]. */
export function imageLayout(shape: readonly number[]): ImageLayout {
  return shape.length === 4 && CHANNELS.has(shape[3]!) && !CHANNELS.has(shape[1]!) ? 'nhwc' : 'nchw';
}

/** [n, H, W, C] ↔ [n, C, H, W] on typed arrays; `from` names the layout of `t`. Other ranks pass through. */
export function permuteImages(t: Tensor, from: ImageLayout): Tensor {
  if (t.shape.length !== 4) return t;
  const { data, shape } = permuteValues(t.data, t.shape, from);
  return { data, shape };
}

/** permuteImages for any float array (attribution values are float64); keeps the array type. */
export function permuteValues<A extends Float32Array | Float64Array>(values: A, shape: readonly number[], from: ImageLayout): { data: A; shape: number[] } {
  const [n, a, b, d] = shape as [number, number, number, number];
  const out = new (values.constructor as new (length: number) => A)(values.length);
  if (from === 'nhwc') {
    // a = H, b = W, d = C
    for (let r = 0; r < n; r++) for (let y = 0; y < a; y++) for (let x = 0; x < b; x++) for (let ch = 0; ch < d; ch++) out[((r * d + ch) * a + y) * b + x] = values[((r * a + y) * b + x) * d + ch]!;
    return { data: out, shape: [n, d, a, b] };
  }
  // a = C, b = H, d = W
  for (let r = 0; r < n; r++) for (let ch = 0; ch < a; ch++) for (let y = 0; y < b; y++) for (let x = 0; x < d; x++) out[((r * b + y) * d + x) * a + ch] = values[((r * a + ch) * b + y) * d + x]!;
  return { data: out, shape: [n, b, d, a] };
}

type Output = 'logits' | 'probabilities';

/** Optional extras of gradient adapters (onnx-grad, the TF.js wrapper) that the view forwards. */
interface Extras {
  readonly supportsGuidedRelu?: true;
  readonly parameterLayers?: readonly { readonly name: string }[];
  forward?(x: Tensor, options?: { output?: Output; signal?: AbortSignal }): Promise<Float32Array>;
  withRandomizedLayers?(layers: readonly string[], seed: number): Model;
}

/**
 * A channels-last image model seen as channels-first: inputs, input gradients and 4-D layer tensors
 * are transposed, so methods that read images as [N, C, H, W] apply unchanged. Whatever the inner
 * model offers (gradients, logits, guided ReLU, randomised copies for sanity checks) the view offers.
 */
export function channelsFirstView<M extends Model>(inner: M): M {
  const source = inner as Model & Partial<Differentiable> & Extras;
  const [, h, w, ch] = inner.inputSpec.shape;
  const toLast = (x: Tensor): Tensor => permuteImages(x, 'nchw');
  const toFirst = (t: Tensor): Tensor => permuteImages(t, 'nhwc');
  const view: Model & Partial<Differentiable> & Extras = {
    task: inner.task,
    classes: inner.classes,
    outputWidth: inner.outputWidth,
    inputSpec: { ...inner.inputSpec, shape: [null, ch ?? null, h ?? null, w ?? null] },
    predict: (x: Tensor, o?: PredictOptions) => inner.predict(toLast(x), o),
    dispose: async () => inner.dispose?.(),
  };
  if (source.inputGradients && source.activations && source.layerGradients && source.layerNames) {
    const { inputGradients, activations, layerGradients } = source as Required<Differentiable>;
    Object.assign(view, {
      layerNames: source.layerNames,
      inputGradients: async (x: Tensor, target: GradientTarget, o?: { output?: Output; signal?: AbortSignal }) => {
        const last = toLast(x);
        return toFirst({ data: await inputGradients.call(inner, last, target, o), shape: last.shape }).data;
      },
      activations: async (x: Tensor, names: readonly string[]) => Object.fromEntries(Object.entries(await activations.call(inner, toLast(x), names)).map(([k, v]) => [k, toFirst(v)])),
      layerGradients: async (x: Tensor, layer: string, target: GradientTarget, o?: { output?: Output }) => {
        const r = await layerGradients.call(inner, toLast(x), layer, target, o);
        return { activation: toFirst(r.activation), gradient: toFirst(r.gradient) };
      },
    });
  }
  if (source.lossGradients) {
    const lossGradients = source.lossGradients;
    view.lossGradients = async (x: Tensor, labels: Int32Array, o?: LossGradientOptions) => {
      const last = toLast(x);
      const r = await lossGradients.call(inner, last, labels, o);
      return { ...r, gradient: toFirst({ data: r.gradient, shape: last.shape }).data };
    };
  }
  if (source.forward) {
    const forward = source.forward;
    view.forward = (x, o) => forward.call(inner, toLast(x), o);
  }
  if (source.supportsGuidedRelu) Object.assign(view, { supportsGuidedRelu: true });
  if (source.parameterLayers && source.withRandomizedLayers) {
    const randomize = source.withRandomizedLayers;
    Object.assign(view, { parameterLayers: source.parameterLayers, withRandomizedLayers: (layers: readonly string[], seed: number) => channelsFirstView(randomize.call(inner, layers, seed)) });
  }
  return view as unknown as M;
}
