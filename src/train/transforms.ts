import { GlassboxError } from '../errors.js';
import type { Task } from '../model/model.js';
import type { TrainingGraph } from '../model/capabilities.js';
import { rowSize } from '../model/tensor.js';
import { checkTrainingData, concatBatches, gatherBatch } from './batches.js';
import type { BatchTransform, TF, TrainingData, TransformContext } from './types.js';
import type * as tfTypes from '../model/tfjs/tfjs-api.js';

/** Per-row loss and ∂ℓ_i/∂x_i through a training graph with its current variables. */
export function graphLossGradients(tf: TF, graph: TrainingGraph, task: Task, x: Float32Array, shape: readonly number[], labels: Float32Array): { gradient: Float32Array; loss: Float32Array } {
  const [g, l] = tf.tidy(() => {
    const y = tf.tensor1d(labels);
    const perRow = (input: tfTypes.Tensor): tfTypes.Tensor1D => {
      const z = graph.logits(input);
      if (task === 'regression') return tf.sum(tf.square(tf.sub(z, tf.reshape(y, [-1, 1]))), 1) as tfTypes.Tensor1D;
      return tf.neg(tf.sum(tf.mul(tf.oneHot(tf.cast(y, 'int32'), z.shape[1]!), tf.logSoftmax(z)), 1)) as tfTypes.Tensor1D;
    };
    const input = tf.tensor(x, [...shape]);
    const { value, grad } = tf.valueAndGrad((t: tfTypes.Tensor) => tf.sum(perRow(t)))(input);
    value.dispose();
    return [grad, perRow(input)];
  });
  const out = { gradient: Float32Array.from(g.dataSync() as Float32Array), loss: Float32Array.from(l.dataSync() as Float32Array) };
  tf.dispose([g, l]);
  return out;
}

export interface MixInOptions {
  /** Extra rows appended to every batch (drawn without replacement within a batch; default 8). */
  readonly rowsPerBatch?: number;
  /** Multiplies the extra rows' own sample weights (default 1). */
  readonly weight?: number;
}

/**
 * Appends rows drawn (seeded, from the transform stream) from `extra` to every batch with sample
 * weight `weight` × their own: e.g. Defuse's fine-tuning on the original training data plus samples
 * of the annotated failure scenarios. Added rows have row id −1; metadata columns that `extra` lacks
 * are filled with −1.
 */
export function mixIn(extra: TrainingData, options: MixInOptions = {}): BatchTransform {
  const k = options.rowsPerBatch ?? 8;
  const weight = options.weight ?? 1;
  const n = extra.x.shape[0] ?? 0;
  if (!(Number.isInteger(k) && k >= 1)) throw new GlassboxError('invalid_argument', `mixIn: rowsPerBatch must be a positive integer (got ${k})`, { argument: 'rowsPerBatch', hint: 'Use e.g. 8.' });
  if (!(Number.isFinite(weight) && weight >= 0)) throw new GlassboxError('invalid_argument', `mixIn: weight must be a finite number ≥ 0 (got ${weight})`, { argument: 'weight', hint: 'Use e.g. 1.' });
  if (n === 0) throw new GlassboxError('invalid_input', 'mixIn: the extra data has no rows', { argument: 'extra', hint: 'Pass at least one row to mix in.' });
  let checked = false;
  return (batch, context: TransformContext) => {
    if (!checked) {
      checkTrainingData(extra, context.task, Number.MAX_SAFE_INTEGER, 'extra');
      if (rowSize(extra.x.shape) !== rowSize(batch.shape)) {
        throw new GlassboxError('shape_mismatch', `mixIn: extra rows have ${rowSize(extra.x.shape)} values, training rows ${rowSize(batch.shape)}`, { argument: 'extra', hint: 'Extra rows must have the model input shape.' });
      }
      checked = true;
    }
    const take = Math.min(k, n);
    const order = context.rng.permutation(n).subarray(0, take);
    const added = gatherBatch(extra, order);
    const scaled = { ...added, shape: [take, ...batch.shape.slice(1)], weights: added.weights.map((w) => w * weight), rows: new Int32Array(take).fill(-1) };
    return concatBatches(batch, scaled);
  };
}
