import { GlassboxError } from '../errors.js';
import type { Task } from '../model/model.js';
import type { LossContext, Loss, LossTerm } from './types.js';
import type * as tfTypes from '../model/tfjs/tfjs-api.js';

/** Σ w_i·v_i / Σ w_i over the batch (0 for an all-zero weight vector). */
export function weightedMean(context: LossContext, values: tfTypes.Tensor1D): tfTypes.Scalar {
  const { tf, weights } = context;
  return tf.div(tf.sum(tf.mul(values, weights)), tf.maximum(tf.sum(weights), 1e-12)) as tfTypes.Scalar;
}

/**
 * Sample-weighted cross-entropy −log softmax(z)_y, averaged as Σ w·ℓ / Σ w (Keras' and PyTorch's
 * weighted mean). Labels are class indices in model-output order; a single sigmoid unit is the
 * logits [0, z], so this is the binary cross-entropy softplus(z) − y·z.
 */
export function crossEntropy(): LossTerm {
  return Object.freeze({
    name: 'cross-entropy',
    value(context: LossContext): tfTypes.Scalar {
      const { tf, logits, labels } = context;
      const k = logits.shape[1] ?? 1;
      const oneHot = tf.oneHot(tf.cast(labels, 'int32'), k);
      const rows = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)) as tfTypes.Tensor1D;
      return weightedMean(context, rows);
    },
  });
}

/** Sample-weighted mean squared error between the (first) output and the target, for regression. */
export function squaredError(): LossTerm {
  return Object.freeze({
    name: 'squared-error',
    value(context: LossContext): tfTypes.Scalar {
      const { tf, logits, labels } = context;
      const rows = tf.sum(tf.square(tf.sub(logits, tf.reshape(labels, [-1, 1]))), 1) as tfTypes.Tensor1D;
      return weightedMean(context, rows);
    },
  });
}

/** The task loss glassbox trains a model of this task with by default. */
export function taskLossFor(task: Task): LossTerm {
  return task === 'regression' ? squaredError() : crossEntropy();
}

/**
 * task + Σ λ·penalty. Penalty names must be distinct (they key the progress and history records) and
 * every λ finite and ≥ 0.
 */
export function composeLoss(task: LossTerm, penalties: readonly { readonly term: LossTerm; readonly lambda: number }[] = []): Loss {
  const names = new Set<string>([task.name]);
  for (const { term, lambda } of penalties) {
    if (names.has(term.name)) {
      throw new GlassboxError('invalid_argument', `composeLoss: two loss terms are named '${term.name}'`, { argument: 'penalties', hint: 'Give each penalty a distinct name.' });
    }
    names.add(term.name);
    if (!(Number.isFinite(lambda) && lambda >= 0)) {
      throw new GlassboxError('invalid_argument', `composeLoss: λ for '${term.name}' must be a finite number ≥ 0 (got ${lambda})`, { argument: 'lambda', hint: 'Use e.g. 0.1, 1 or 10.' });
    }
  }
  return Object.freeze({ task, penalties: Object.freeze(penalties.map((p) => Object.freeze({ term: p.term, lambda: p.lambda }))) });
}
