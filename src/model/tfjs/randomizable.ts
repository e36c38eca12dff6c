import { GlassboxError } from '../../errors.js';
import { Rng } from '../../rng.js';
import type { Differentiable, GradientTarget } from '../capabilities.js';
import type { InputSpec, Model, PredictOptions, Task } from '../model.js';
import type { Tensor } from '../tensor.js';
import { tf } from './backend.js';
import { reinitializeWeights } from './init.js';
import type { TfjsLayersModel } from './layers-model.js';

type OutputSpace = 'logits' | 'probabilities';

interface GradientCallOptions {
  readonly output?: OutputSpace;
  readonly signal?: AbortSignal;
  /** 'guided': every ReLU passes back only positive gradients (guided backprop). */
  readonly relu?: 'default' | 'guided';
}

/**
 * A TF.js LayersModel as the gradient sanity checks need it (structurally the `RandomizableModel` of
 * src/explain/gradients/sanity-checks.ts): `parameterLayers` in input-to-output order, and
 * `withRandomizedLayers(names, seed)` returning a copy whose named layers are re-initialised. Besides
 * Differentiable it offers `forward` (logits or probabilities) and the guided-backprop ReLU rule, so that
 * every gradient method — guided backprop included — can be run on it and on its randomised copies.
 */
export interface RandomizableTfjsModel extends Model, Differentiable {
  readonly parameterLayers: readonly { readonly name: string }[];
  readonly supportsGuidedRelu: true;
  withRandomizedLayers(layers: readonly string[], seed: number): RandomizableTfjsModel;
  forward(x: Tensor, options?: { output?: OutputSpace; signal?: AbortSignal }): Promise<Float32Array>;
  inputGradients(x: Tensor, target: GradientTarget, options?: GradientCallOptions): Promise<Float32Array>;
  /** Frees the copies this wrapper made (never the wrapped original). */
  dispose(): Promise<void>;
}

/** Guided ReLU (Springenberg et al. 2015): forward max(x, 0); backward relu(dy) where x > 0. */
const guidedRelu = (x: tf.Tensor): tf.Tensor =>
  tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([input]);
    return { value: tf.relu(input), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(tf.relu(dy), tf.step(saved[0]!)) };
  })(x);

interface ActivationLike {
  getClassName(): string;
  apply(x: tf.Tensor): tf.Tensor;
}

/**
 * Rewires every ReLU of `model` (a layer's `activation: 'relu'` or a ReLU layer without a cap) to the
 * guided rule, as captum's GuidedBackprop overrides nn.ReLU modules. Mutates `model`: call on a copy.
 * A layer whose activation is not fused runs its ReLU through `activation.apply`, which this replaces.
 */
function guideReLUs(model: tf.LayersModel): void {
  const guided: ActivationLike = { getClassName: () => 'guided_relu', apply: guidedRelu };
  for (const layer of model.layers) {
    const withActivation = layer as unknown as { activation?: ActivationLike };
    if (withActivation.activation?.getClassName() === 'relu') withActivation.activation = guided;
    if (layer.getClassName() === 'ReLU' && (layer.getConfig() as { maxValue?: number | null }).maxValue == null) {
      (layer as unknown as { call: (inputs: tf.Tensor | tf.Tensor[]) => tf.Tensor }).call = (inputs) => guidedRelu(Array.isArray(inputs) ? inputs[0]! : inputs);
    }
  }
}

/** Separates randomisation draws from `reinitializeWeights` initialisations with the same seed. */
const RANDOMIZATION_SALT = 0x53414e49;

/**
 * A copy of `model` whose `layers` are re-drawn while every other layer keeps its trained weights:
 * kernels by `reinitializeWeights` (Glorot uniform, Keras' default), biases from
 * U(−1/√fan_in, 1/√fan_in) (PyTorch's default, as the onnx-grad adapter does) rather than Keras' zeros,
 * because zero biases leave every unit whose receptive field is blank at exactly 0, which masks the
 * gradients with the input's background whatever the weights. Both streams are drawn over all weights
 * in model order, so a layer gets the same random values whatever else is randomised with it (the
 * cascading steps are nested). The original is never touched.
 */
async function randomizedCopy(model: TfjsLayersModel, layers: readonly string[], seed: number): Promise<TfjsLayersModel> {
  const copy = await model.clone();
  const keep = new Map(model.model.layers.filter((l) => !layers.includes(l.name)).map((l) => [l.name, l.getWeights()] as const));
  // A stream of its own: `reinitializeWeights(model, seed)` is also how models are initialised before
  // training (the digits demo is), and re-drawing a model's own initial weights is no randomisation.
  const stream = new Rng(seed ^ RANDOMIZATION_SALT);
  reinitializeWeights(copy.model, stream.nextUint32());
  const biasRng = stream.fork();
  for (const layer of copy.model.layers) {
    const biases = randomBiases(layer, biasRng);
    const weights = keep.get(layer.name);
    if (weights && weights.length > 0) layer.setWeights(weights);
    else if (biases) layer.setWeights(layer.getWeights().map((w, k) => biases[k] ?? w));
    if (biases) tf.dispose(Object.values(biases));
  }
  return copy;
}

/** U(−1/√fan_in, 1/√fan_in) values for a layer's bias weights, keyed by weight index (fan_in from its kernel). */
function randomBiases(layer: tf.layers.Layer, rng: Rng): Record<number, tf.Tensor> | undefined {
  const kernel = layer.weights.find((w) => w.originalName.slice(w.originalName.lastIndexOf('/') + 1).startsWith('kernel'));
  if (!kernel) return undefined;
  const fanIn = kernel.shape.slice(0, -1).reduce((a: number, b) => a * (b ?? 1), 1);
  const bound = 1 / Math.sqrt(Math.max(1, fanIn));
  const out: Record<number, tf.Tensor> = {};
  layer.weights.forEach((w, k) => {
    if (!w.originalName.slice(w.originalName.lastIndexOf('/') + 1).startsWith('bias')) return;
    const values = new Float32Array(w.shape.reduce((a: number, b) => a * (b ?? 1), 1));
    for (let i = 0; i < values.length; i++) values[i] = (2 * rng.next() - 1) * bound;
    out[k] = tf.tensor(values, w.shape as number[]);
  });
  return out;
}

class TfjsSanityModel implements RandomizableTfjsModel {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly inputSpec: InputSpec;
  readonly outputWidth: number;
  readonly layerNames: readonly string[];
  readonly parameterLayers: readonly { readonly name: string }[];
  readonly supportsGuidedRelu = true as const;
  private guided: Promise<TfjsLayersModel> | undefined;

  constructor(
    private readonly template: TfjsLayersModel,
    private readonly base: Promise<TfjsLayersModel>,
    private readonly ownsBase: boolean,
  ) {
    this.task = template.task;
    this.classes = template.classes;
    this.inputSpec = template.inputSpec;
    this.outputWidth = template.outputWidth;
    this.layerNames = template.layerNames;
    this.parameterLayers = Object.freeze(template.model.layers.filter((l) => l.getClassName() !== 'InputLayer' && l.weights.length > 0).map((l) => Object.freeze({ name: l.name })));
  }

  async predict(x: Tensor, options: PredictOptions = {}): Promise<Float32Array> {
    return (await this.base).predict(x, options);
  }

  async forward(x: Tensor, options: { output?: OutputSpace; signal?: AbortSignal } = {}): Promise<Float32Array> {
    const model = await this.base;
    const opts = options.signal ? { signal: options.signal } : {};
    return (options.output ?? 'logits') === 'logits' ? model.logits(x, opts) : model.predict(x, opts);
  }

  async inputGradients(x: Tensor, target: GradientTarget, options: GradientCallOptions = {}): Promise<Float32Array> {
    const model = options.relu === 'guided' ? await this.guidedModel() : await this.base;
    return model.inputGradients(x, target, { ...(options.output ? { output: options.output } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  }

  async activations(x: Tensor, names: readonly string[]): Promise<Record<string, Tensor>> {
    return (await this.base).activations(x, names);
  }

  async layerGradients(x: Tensor, layer: string, target: GradientTarget, options: { output?: OutputSpace } = {}): Promise<{ activation: Tensor; gradient: Tensor }> {
    return (await this.base).layerGradients(x, layer, target, options);
  }

  withRandomizedLayers(layers: readonly string[], seed: number): RandomizableTfjsModel {
    const known = this.parameterLayers.map((l) => l.name);
    const unknown = layers.filter((l) => !known.includes(l));
    if (unknown.length > 0) {
      throw new GlassboxError('invalid_argument', `withRandomizedLayers: "${unknown.join('", "')}" ${unknown.length === 1 ? 'is not a layer' : 'are not layers'} with parameters of TF.js model "${this.template.model.name}".`, {
        argument: 'layers',
        hint: `Layers with parameters: ${known.join(', ')}.`,
      });
    }
    if (!Number.isInteger(seed)) throw new GlassboxError('invalid_argument', `withRandomizedLayers: seed must be an integer (got ${seed}).`, { argument: 'seed' });
    return new TfjsSanityModel(this.template, this.base.then((m) => randomizedCopy(m, layers, seed)), true);
  }

  private guidedModel(): Promise<TfjsLayersModel> {
    this.guided ??= this.base.then(async (m) => {
      const copy = await m.clone();
      guideReLUs(copy.model);
      return copy;
    });
    return this.guided;
  }

  async dispose(): Promise<void> {
    if (this.guided) await (await this.guided).dispose();
    this.guided = undefined;
    if (this.ownsBase) await (await this.base).dispose();
  }
}

/**
 * Wraps a TfjsLayersModel for the gradient sanity checks of Adebayo et al. (2018, "Sanity Checks for
 * Saliency Maps"): model-parameter randomisation layer by layer on copies (seeded with init.ts's
 * `reinitializeWeights`), guided-backprop ReLUs, and logits through `forward`. The wrapped model is
 * never modified; dispose the wrapper (and each randomised copy) to free the copies.
 */
export function randomizableTfjs(model: TfjsLayersModel): RandomizableTfjsModel {
  return new TfjsSanityModel(model, Promise.resolve(model), false);
}

/** Whether `model` looks like a TfjsLayersModel (a tfjs LayersModel inside, logits and clone), checked structurally. */
export function isTfjsLayersLike(model: object): model is TfjsLayersModel {
  const m = model as Partial<TfjsLayersModel>;
  return typeof m.clone === 'function' && typeof m.logits === 'function' && typeof m.inputGradients === 'function' && Array.isArray(m.model?.layers) && typeof m.model?.getWeights === 'function';
}
