import * as tf from './tfjs-api.js';
import { GlassboxError } from '../../errors.js';
import type { GradientTarget } from '../capabilities.js';
import type { Model } from '../model.js';
import type { Tensor } from '../tensor.js';

/** Checks a batch against the model's input spec (all but the batch dimension must match). */
export function checkInput(model: Pick<Model, 'inputSpec'>, x: Tensor): void {
  const expected = model.inputSpec.shape;
  const ok = x.shape.length === expected.length && expected.every((d, i) => i === 0 || d === null || d === x.shape[i]);
  if (!ok) {
    throw new GlassboxError('shape_mismatch', `Input of shape [${x.shape.join(', ')}] does not fit model input "${model.inputSpec.name}" of shape [${expected.map((d) => d ?? 'batch').join(', ')}]`, {
      argument: 'x',
      hint: 'Reshape the data (or fix the encoder) so each row has the model input shape.',
    });
  }
}

/** Validates a gradient target: one class index, or one per row. */
export function checkTargets(model: Pick<Model, 'outputWidth'>, target: GradientTarget, n: number): void {
  const bad = (value: number, row?: number): never => {
    throw new GlassboxError('invalid_argument', `Gradient target ${value}${row === undefined ? '' : ` (row ${row})`} is not an output column in [0, ${model.outputWidth})`, {
      argument: 'target',
      ...(row === undefined ? {} : { row }),
      hint: 'Targets are output-column (class) indices.',
    });
  };
  if (typeof target === 'number') {
    if (!Number.isInteger(target) || target < 0 || target >= model.outputWidth) bad(target);
    return;
  }
  if (target.length !== n) {
    throw new GlassboxError('shape_mismatch', `${target.length} gradient targets for ${n} rows`, { argument: 'target', hint: 'Give one target per row, or a single class index.' });
  }
  for (let i = 0; i < n; i++) if (target[i]! < 0 || target[i]! >= model.outputWidth) bad(target[i]!, i);
}

/** Sum over the batch of output[row, target(row)]: its gradient gives each row's own gradient. */
export function selectTargets(outputs: tf.Tensor2D, target: GradientTarget, start: number, end: number): tf.Scalar {
  const width = outputs.shape[1]!;
  const indices = typeof target === 'number' ? new Int32Array(end - start).fill(target) : target.subarray(start, end);
  return tf.sum(tf.mul(outputs, tf.oneHot(tf.tensor1d(indices, 'int32'), width)));
}
