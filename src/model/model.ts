import type { Tensor } from './tensor.js';

export type Task = 'binary' | 'multiclass' | 'regression';

/** One raw column a model takes (see Model.inputColumns). */
export interface InputColumn {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly categories?: readonly string[];
}

export interface InputSpec {
  readonly name: string;
  /** `null` marks a dynamic dimension (normally the batch). */
  readonly shape: readonly (number | null)[];
  readonly dtype: 'float32';
}

export interface PredictOptions {
  readonly signal?: AbortSignal;
}

/**
 * A trained model. `predict` returns probabilities (one column per class, also for binary tasks) or
 * regression values (one column), batch-major. Capabilities such as gradients or trees are separate
 * interfaces (see capabilities.ts) that an adapter may also implement.
 */
export interface Model {
  readonly task: Task;
  /** Class labels in output-column order; empty for regression. */
  readonly classes: readonly string[];
  readonly inputSpec: InputSpec;
  /**
   * Models that take raw columns and encode them inside (ONNX pipelines with one input per column):
   * each input column in order, with the category list of a categorical one. The rows given to
   * `predict` are then one float per column — a number, or a category's index in that list.
   */
  readonly inputColumns?: readonly InputColumn[];
  /** Columns per row in `predict`'s output: classes.length, or 1 for regression. */
  readonly outputWidth: number;
  predict(x: Tensor, options?: PredictOptions): Promise<Float32Array>;
  dispose?(): Promise<void>;
}

/** Index of the positive class for binary tasks (the last class), or undefined otherwise. */
export function positiveClassIndex(model: Pick<Model, 'task' | 'classes'>): number | undefined {
  return model.task === 'binary' ? model.classes.length - 1 : undefined;
}
