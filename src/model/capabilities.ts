import type { Model } from './model.js';
import type { Tensor } from './tensor.js';

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

export interface Trainable {
  clone(): Promise<Model & Trainable>;
  fit(x: Tensor, y: Float32Array, options?: { epochs?: number; batchSize?: number; seed?: number; sampleWeights?: Float32Array; signal?: AbortSignal }): Promise<void>;
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
  return typeof (model as Partial<Trainable>).fit === 'function' && typeof (model as Partial<Trainable>).clone === 'function';
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
