import type * as tfTypes from './tfjs-api.js';

type TF = typeof tfTypes;
type T = tfTypes.Tensor;

/** −log softmax(z)_y per row of [n, k] logits (PyTorch's `F.cross_entropy` with reduction 'none'). */
export function crossEntropyRows(tf: TF, logits: T, labels: Int32Array): T {
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]!);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
}

/**
 * Per-row loss gradients with tf.grad: ∂ Σ_i loss_i / ∂ x (row i's own gradient), the per-row loss
 * and probabilities at x. The caller disposes the three tensors returned.
 */
export function tfjsLossGradients(tf: TF, x: T, lossOf: (input: T) => T, probabilitiesOf: (input: T) => T): [T, T, T] {
  return tf.tidy(() => {
    const gradient = tf.grad((input: T) => tf.sum(lossOf(input)))(x);
    return [gradient, lossOf(x), probabilitiesOf(x)];
  });
}
