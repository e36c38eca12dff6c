import type { Rng } from '../rng.js';
import type { Model } from './model.js';
import type { Tensor } from './tensor.js';
import type * as tfTypes from './tfjs/tfjs-api.js';

/**
 * Capabilities an adapter may implement besides `predict`. Code asks for them structurally with the
 * guards below, never by adapter name.
 */

/** Output selector for gradients: one class index for the whole batch, or one per row. */
export type GradientTarget = number | Int32Array;

/** Losses whose input gradients a Differentiable model can compute in one backward pass. */
export type LossName = 'cross-entropy';

export interface LossGradientOptions {
  /** 'cross-entropy' (default): −log softmax(logits)_y, i.e. −log p_y for a model that outputs probabilities. */
  readonly loss?: LossName;
  readonly signal?: AbortSignal;
}

/**
 * Per-row loss gradients: row i holds ∂ loss_i / ∂ x_i (the gradient of Σ_i loss_i, which is each row's
 * own gradient; PyTorch's default mean reduction would scale it by 1/batch), the per-row loss, and the
 * model's class probabilities at x (one column per class), all from the same pass.
 */
export interface LossGradients {
  readonly gradient: Float32Array;
  readonly loss: Float32Array;
  readonly probabilities: Float32Array;
}

export interface Differentiable {
  /** d output[target] / d input, in the input's shape. `output` picks logits or probabilities. */
  inputGradients(x: Tensor, target: GradientTarget, options?: { output?: 'logits' | 'probabilities'; signal?: AbortSignal }): Promise<Float32Array>;
  /** Values of named intermediate tensors. */
  activations(x: Tensor, names: readonly string[]): Promise<Record<string, Tensor>>;
  /** d output[target] / d tensor `layer`, together with that tensor's value. */
  layerGradients(x: Tensor, layer: string, target: GradientTarget, options?: { output?: 'logits' | 'probabilities' }): Promise<{ activation: Tensor; gradient: Tensor }>;
  /** Names of intermediate tensors that may be asked for. */
  readonly layerNames: readonly string[];
  /**
   * Optional: input gradients of a per-row loss against integer labels in one backward pass (see
   * model/loss-gradients.ts, which falls back to `inputGradients` for models without it).
   */
  lossGradients?(x: Tensor, labels: Int32Array, options?: LossGradientOptions): Promise<LossGradients>;
}

export interface TreeEnsembleCapable {
  /** The flat-array tree IR (see model/trees). Typed loosely here so that model/ does not depend on it. */
  treeEnsemble(): unknown;
}

/** Options of the built-in quick `fit(x, y)`: cross-entropy (or squared error), seeded Adam. */
export interface QuickFitOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  readonly sampleWeights?: Float32Array;
  readonly learningRate?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { epoch: number; epochs: number; loss: number }) => void;
}

/** Model weights by name (TF.js: the variable's original name, e.g. `dense/kernel`; ONNX: the initializer name). */
export type NamedWeights = ReadonlyMap<string, Tensor>;

/** One trainable parameter of a TrainingGraph: a tfjs variable the optimizer updates. */
export interface TrainingParameter {
  readonly name: string;
  readonly variable: tfTypes.Variable;
}

/**
 * What a Trainable model hands the training layer (src/train): its trainable parameters as tfjs
 * variables and a differentiable forward pass to glassbox's logits view ([n, k]: a single sigmoid unit
 * z becomes [0, z]; regression values pass through). Call `logits` inside tf.tidy / an optimizer's
 * minimize. `commit` writes the variables back into the model (a no-op when they are the model's own);
 * `dispose` frees what the graph created (call `commit` first to keep the training).
 */
export interface TrainingGraph {
  readonly parameters: readonly TrainingParameter[];
  logits(x: tfTypes.Tensor, options?: { readonly training?: boolean; readonly dropoutRng?: Rng }): tfTypes.Tensor2D;
  commit(): Promise<void>;
  dispose(): void;
}

/**
 * A model glassbox can train or fine-tune. `fit(x, y)` is the quick built-in (cross-entropy, Adam);
 * composable losses, SGD, early stopping and batch transforms are `fit(model, data, loss, options)`
 * in src/train, which trains through `trainingGraph()`. `save` writes the model's own format (TF.js
 * folder with model.json + weights.bin; an ONNX file with its initializers replaced), atomically.
 */
export interface Trainable {
  clone(): Promise<Model & Trainable>;
  fit(x: Tensor, y: Float32Array, options?: QuickFitOptions): Promise<void>;
  /** Copies of every weight (trainable or not), by name. */
  getWeights(): NamedWeights;
  /** Replaces the named weights (a subset is fine); names and shapes must match. */
  setWeights(weights: NamedWeights): Promise<void>;
  save(path: string): Promise<void>;
  trainingGraph(): Promise<TrainingGraph>;
  /**
   * The bias weight added to each filter bank's output channels, by filter weight name, when the model
   * knows it from its structure (an ONNX graph). Without it, callers match names (conv/kernel → conv/bias).
   */
  filterBiases?(): ReadonlyMap<string, string>;
}

export interface Stochastic {
  /** `samples` stochastic forward passes (e.g. MC dropout), shape [samples, batch, outputWidth]. */
  sample(x: Tensor, samples: number, seed: number): Promise<Float32Array>;
}

export type Capability = 'differentiable' | 'tree-ensemble' | 'trainable' | 'stochastic';

export function isDifferentiable(model: object): model is Differentiable {
  return typeof (model as Partial<Differentiable>).inputGradients === 'function';
}

export function isTreeEnsemble(model: object): model is TreeEnsembleCapable {
  return typeof (model as Partial<TreeEnsembleCapable>).treeEnsemble === 'function';
}

export function isTrainable(model: object): model is Trainable {
  const m = model as Partial<Trainable>;
  return typeof m.fit === 'function' && typeof m.clone === 'function' && typeof m.trainingGraph === 'function' && typeof m.getWeights === 'function';
}

export function isStochastic(model: object): model is Stochastic {
  return typeof (model as Partial<Stochastic>).sample === 'function';
}

const guards: Record<Capability, (model: object) => boolean> = {
  differentiable: isDifferentiable,
  'tree-ensemble': isTreeEnsemble,
  trainable: isTrainable,
  stochastic: isStochastic,
};

export function hasCapability(model: object, capability: Capability): boolean {
  return guards[capability](model);
}
