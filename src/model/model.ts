import type { Tensor } from './tensor.js';

export type Task = 'binary' | 'multiclass' | 'regression';

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
  /** Columns per row in `predict`'s output: classes.length, or 1 for regression. */
  readonly outputWidth: number;
  predict(x: Tensor, options?: PredictOptions): Promise<Float32Array>;
  dispose?(): Promise<void>;
}

/** Index of the positive class for binary tasks (the last class), or undefined otherwise. */
export function positiveClassIndex(model: Pick<Model, 'task' | 'classes'>): number | undefined {
  return model.task === 'binary' ? model.classes.length - 1 : undefined;
}
