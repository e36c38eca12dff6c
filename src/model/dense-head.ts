import type { Tensor } from './tensor.js';

/**
 * A model's last layer when it is dense: logits z = φ(x) W + b over the penultimate features φ(x), then
 * softmax over K columns, or a sigmoid on one column (binary; glassbox's probabilities are then
 * [1 − σ(z), σ(z)]). Used by last-layer Laplace and by feature-space OOD scores.
 */
export interface DenseHead {
  /** Feature width d. */
  readonly inputs: number;
  /** Logit columns (K, or 1 for a single sigmoid unit). */
  readonly outputs: number;
  /** d × outputs, row-major (feature-major), float64 copies of the weights. */
  readonly weights: Float64Array;
  /** outputs values (zeros when the layer has no bias). */
  readonly bias: Float64Array;
  readonly activation: 'softmax' | 'sigmoid';
  /** Names the layer, e.g. 'TF.js Dense "logits" (64 → 10)'. */
  readonly description: string;
  /** Name of the tensor or layer whose value is φ(x). */
  readonly featureName: string;
  /** φ(x) for each row, n × d row-major. */
  features(x: Tensor, options?: { signal?: AbortSignal }): Promise<Float32Array>;
}

/** z = φ W + b for n rows of features, n × outputs (float64). */
export function denseLogits(head: Pick<DenseHead, 'inputs' | 'outputs' | 'weights' | 'bias'>, features: ArrayLike<number>, n: number): Float64Array {
  const { inputs: d, outputs: k, weights, bias } = head;
  const z = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) z[i * k + c] = bias[c]!;
    for (let j = 0; j < d; j++) {
      const f = features[i * d + j]!;
      if (f === 0) continue;
      for (let c = 0; c < k; c++) z[i * k + c] = z[i * k + c]! + f * weights[j * k + c]!;
    }
  }
  return z;
}
