import { tf } from '../../src/model/tfjs/backend.js';
import type { LossContext, LossTerm } from '../../src/train/types.js';
import type * as tfTypes from '../../src/model/tfjs/tfjs-api.js';

/** A binary batch whose positive-class probabilities are `scores` (logits [0, logit(s)]), for penalty tests. */
export interface PenaltyBatch {
  readonly scores: readonly number[];
  readonly labels: readonly number[];
  readonly groups: readonly number[];
  readonly weights?: readonly number[];
}

export const logit = (s: number): number => Math.log(s / (1 - s));

function context(batch: PenaltyBatch, logits: tfTypes.Tensor2D): LossContext {
  const m = batch.scores.length;
  const weights = Float32Array.from(batch.weights ?? new Array<number>(m).fill(1));
  const y = Float32Array.from(batch.labels);
  return {
    tf: tf as never,
    task: 'binary',
    logits,
    probabilities: () => tf.softmax(logits) as tfTypes.Tensor2D,
    labels: tf.tensor1d(y) as never,
    weights: tf.tensor1d(weights) as never,
    batch: { x: new Float32Array(m), shape: [m, 1], y, weights, rows: Int32Array.from({ length: m }, (_, i) => i), meta: { group: Int32Array.from(batch.groups) } },
  };
}

function logitsOf(z: readonly number[]): tfTypes.Tensor2D {
  return tf.tensor2d(z.flatMap((v) => [0, v]), [z.length, 2]) as never;
}

/** The penalty's value on the batch. */
export function penaltyValue(term: LossTerm, batch: PenaltyBatch): number {
  return tf.tidy(() => term.value(context(batch, logitsOf(batch.scores.map(logit)))).dataSync()[0]!);
}

/** ∂penalty/∂z_i for the positive-class logit z_i = logit(s_i) of every row (tfjs autodiff). */
export function penaltyGradient(term: LossTerm, batch: PenaltyBatch): Float64Array {
  const values = tf.tidy(() => {
    const z = tf.tensor1d(batch.scores.map(logit));
    const grad = tf.grad((zz: tfTypes.Tensor) => {
      const logits = tf.stack([tf.zerosLike(zz), zz], 1) as tfTypes.Tensor2D;
      return term.value(context(batch, logits));
    });
    return grad(z as never);
  });
  const out = Float64Array.from(values.dataSync());
  values.dispose();
  return out;
}
