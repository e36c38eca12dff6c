import type { Task } from '../../model/model.js';

/**
 * What text explainers explain: a classifier from raw strings to outputs (probabilities per class or
 * a value), batch-major. Wrap a model with its tokenizer/vectorizer into this.
 */
export interface TextClassifier {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly outputWidth: number;
  predictTexts(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array>;
}
