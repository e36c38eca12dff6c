import type { Task } from '../model/model.js';
import type { TrainingGraph } from '../model/capabilities.js';
import type { Rng } from '../rng.js';
import type * as tfTypes from '../model/tfjs/tfjs-api.js';
import type { HostBatch, Loss, LossContext, LossParts, TF } from './types.js';

/** The loss context of a batch: tensors for logits, labels and weights, probabilities on demand. */
export function lossContext(tf: TF, task: Task, logits: tfTypes.Tensor2D, batch: HostBatch): LossContext {
  let probabilities: tfTypes.Tensor2D | undefined;
  return {
    tf,
    task,
    logits,
    probabilities: () => (probabilities ??= task === 'regression' ? logits : tf.softmax(logits)),
    labels: tf.tensor1d(batch.y),
    weights: tf.tensor1d(batch.weights),
    batch,
  };
}

/**
 * The composed loss of a batch as a scalar, plus the scalars of its parts (kept out of the enclosing
 * tidy so the caller can read and dispose them).
 */
export function composedLoss(tf: TF, loss: Loss, context: LossContext): { total: tfTypes.Scalar; parts: tfTypes.Scalar[] } {
  const task = loss.task.value(context);
  // clones: tensors an op saved for its backward pass are disposed with the tape
  const parts = [tf.keep(tf.clone(task))];
  let total: tfTypes.Scalar = task;
  for (const { term, lambda } of loss.penalties) {
    const v = term.value(context);
    parts.push(tf.keep(tf.clone(v)));
    if (lambda !== 0) total = tf.add(total, tf.mul(lambda, v));
  }
  return { total, parts };
}

/** Reads and frees the part scalars into LossParts. */
export function readParts(loss: Loss, parts: tfTypes.Scalar[]): LossParts {
  const values = parts.map((p) => p.dataSync()[0]!);
  parts.forEach((p) => p.dispose());
  const penalties: Record<string, number> = {};
  let total = values[0]!;
  loss.penalties.forEach(({ term, lambda }, i) => {
    penalties[term.name] = values[i + 1]!;
    total += lambda * values[i + 1]!;
  });
  return { loss: total, taskLoss: values[0]!, penalties };
}

/** One optimizer step on a batch; returns the batch's loss parts (before the update). */
export function trainStep(tf: TF, graph: TrainingGraph, optimizer: tfTypes.Optimizer, loss: Loss, task: Task, batch: HostBatch, dropoutRng: Rng | undefined): LossParts {
  let parts: tfTypes.Scalar[] = [];
  const variables = graph.parameters.map((p) => p.variable);
  const cost = optimizer.minimize(() => {
    const x = tf.tensor(batch.x, [...batch.shape]);
    const logits = graph.logits(x, { training: dropoutRng !== undefined, ...(dropoutRng ? { dropoutRng } : {}) });
    const result = composedLoss(tf, loss, lossContext(tf, task, logits, batch));
    parts = result.parts;
    return result.total;
  }, false, variables);
  cost?.dispose();
  return readParts(loss, parts);
}

/** Mean of loss parts weighted by row counts. */
export function meanParts(items: readonly { parts: LossParts; rows: number }[]): LossParts {
  const total = items.reduce((s, it) => s + it.rows, 0) || 1;
  const acc = { loss: 0, taskLoss: 0, penalties: {} as Record<string, number> };
  for (const { parts, rows } of items) {
    acc.loss += (parts.loss * rows) / total;
    acc.taskLoss += (parts.taskLoss * rows) / total;
    for (const [k, v] of Object.entries(parts.penalties)) acc.penalties[k] = (acc.penalties[k] ?? 0) + (v * rows) / total;
  }
  return acc;
}
