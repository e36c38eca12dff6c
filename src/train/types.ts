import type { Rng } from '../rng.js';
import type { Task } from '../model/model.js';
import type { TrainingGraph } from '../model/capabilities.js';
import type { Tensor } from '../model/tensor.js';
import type * as tfTypes from '../model/tfjs/tfjs-api.js';

export type TF = typeof tfTypes;

/** Per-row metadata columns (group ids, scenario ids, …), one value per row of `x`. */
export type RowMeta = Readonly<Record<string, Int32Array | Float32Array>>;

/**
 * Rows to train on: inputs in the model's input layout, labels (class indices in model-output order,
 * or regression targets), optional per-row sample weights and metadata that penalties and batch
 * transforms read (e.g. `meta.group` for MinDiff).
 */
export interface TrainingData {
  readonly x: Tensor;
  readonly y: Float32Array;
  readonly sampleWeights?: Float32Array;
  readonly meta?: RowMeta;
}

/**
 * One mini-batch on the host, as the step sees it. `rows` are indices into the training data, or −1
 * for rows a batch transform added (adversarial examples, Defuse samples…). Every metadata column
 * has one value per row.
 */
export interface HostBatch {
  readonly x: Float32Array;
  /** Shape of `x` ([rows, …input dims]). */
  readonly shape: readonly number[];
  readonly y: Float32Array;
  readonly weights: Float32Array;
  readonly rows: Int32Array;
  readonly meta: RowMeta;
}

/** What a loss term sees for one batch. Call only inside the step (tfjs scope). */
export interface LossContext {
  readonly tf: TF;
  readonly task: Task;
  /** [m, k] logits in glassbox's class-output view (regression: the values). */
  readonly logits: tfTypes.Tensor2D;
  /** softmax(logits) for classification (the logits for regression); built once per batch. */
  probabilities(): tfTypes.Tensor2D;
  /** Labels as a float [m] tensor. */
  readonly labels: tfTypes.Tensor1D;
  /** Sample weights as a float [m] tensor. */
  readonly weights: tfTypes.Tensor1D;
  /** The same batch on the host (labels, weights, row ids, metadata). */
  readonly batch: HostBatch;
}

/** A differentiable term of the loss: returns a scalar for the batch. */
export interface LossTerm {
  readonly name: string;
  value(context: LossContext): tfTypes.Scalar;
}

/** The task loss plus Σ λ·penalty. */
export interface Loss {
  readonly task: LossTerm;
  readonly penalties: readonly { readonly term: LossTerm; readonly lambda: number }[];
}

/** Values of a loss's parts for a batch or an epoch (the mean over rows). */
export interface LossParts {
  readonly loss: number;
  readonly taskLoss: number;
  /** Each penalty's value before λ, by name. */
  readonly penalties: Readonly<Record<string, number>>;
}

export interface TransformContext {
  readonly tf: TF;
  readonly graph: TrainingGraph;
  readonly task: Task;
  readonly epoch: number;
  readonly step: number;
  /** A stream reserved for transforms (seeded from the fit's seed). */
  readonly rng: Rng;
  /**
   * Per-row cross-entropy (squared error for regression) and its input gradient ∂ℓ_i/∂x_i under the
   * weights being trained (not the model's last committed ones): what PGD/FGSM steps need to craft
   * adversarial examples for adversarial training. Inference mode (no dropout).
   */
  lossGradients(x: Float32Array, shape: readonly number[], labels: Float32Array): { gradient: Float32Array; loss: Float32Array };
}

/** Replaces or augments a batch before the step (adversarial examples, Defuse samples…). */
export type BatchTransform = (batch: HostBatch, context: TransformContext) => HostBatch | Promise<HostBatch>;

export type OptimizerSpec =
  | { readonly kind: 'adam'; readonly learningRate?: number; readonly beta1?: number; readonly beta2?: number; readonly epsilon?: number }
  | { readonly kind: 'sgd'; readonly learningRate?: number; readonly momentum?: number; readonly nesterov?: boolean };

export interface EarlyStopping {
  /** Epochs without improvement of the monitored value before stopping (default 3). */
  readonly patience?: number;
  /** Smallest decrease that counts as an improvement (default 0). */
  readonly minDelta?: number;
  /** Put back the weights of the best epoch at the end (default true). */
  readonly restoreBest?: boolean;
}

/** Validation rows: a seeded random fraction of the data, or separate data. */
export type ValidationSpec = { readonly fraction: number } | { readonly data: TrainingData };

/** Lower is better. `loss`: the composed loss on the validation rows; `task-loss`: the task loss only. */
export type Monitor = 'loss' | 'task-loss' | ((probabilities: Float32Array, data: TrainingData) => number);

export interface TrainingProgress extends LossParts {
  readonly kind: 'batch' | 'epoch';
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  /** After an epoch with validation rows: the monitored value. */
  readonly validation?: number;
}

export interface TrainingOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Default Adam with learning rate 1e-3. */
  readonly optimizer?: OptimizerSpec;
  readonly seed?: number;
  readonly validation?: ValidationSpec;
  /** Needs `validation`. */
  readonly earlyStopping?: EarlyStopping;
  readonly monitor?: Monitor;
  readonly transform?: BatchTransform;
  /**
   * Per-parameter masks (1 keeps, 0 prunes), by parameter name: applied before training and after
   * every step, so pruned weights stay exactly 0 while the rest is fine-tuned.
   */
  readonly masks?: ReadonlyMap<string, Float32Array>;
  /** Dropout active while training (TF.js models with Dropout layers; default true). */
  readonly dropout?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TrainingProgress) => void;
}

export interface EpochRecord extends LossParts {
  readonly epoch: number;
  readonly validation?: number;
}

/** What `fit` did: per-epoch losses, the epoch kept, whether it stopped early, and its settings. */
export interface TrainingResult {
  readonly history: readonly EpochRecord[];
  readonly epochsRun: number;
  /** 1-based epoch whose weights the model holds at the end (the last one without restoreBest). */
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
  readonly trainRows: number;
  readonly validationRows: number;
  readonly seed: number;
  readonly optimizer: OptimizerSpec;
}
