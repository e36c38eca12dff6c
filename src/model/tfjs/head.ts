import * as tf from './tfjs-api.js';
import { GlassboxError } from '../../errors.js';
import type { Task } from '../model.js';
import { executeLayers } from './graph-exec.js';
import type { ExecuteOptions } from './graph-exec.js';

export type OutputActivation = 'softmax' | 'sigmoid' | 'linear';

/**
 * How the model's last layer turns pre-activations ("raw logits") into its output:
 * - `identity`: the model outputs raw logits (or regression values) itself;
 * - `activation-layer`: a separate Activation/Softmax layer, whose input is the raw logits;
 * - `dense`: a Dense layer with a softmax/sigmoid activation, whose linear part we recompute;
 * - `opaque`: some other layer with an activation; raw logits are recovered as log-probabilities.
 */
export interface Head {
  readonly activation: OutputActivation;
  readonly kind: 'identity' | 'activation-layer' | 'dense' | 'opaque';
  /** Width of the model's own output (1 for a single sigmoid unit). */
  readonly width: number;
}

/**
 * Reads the head from the last layer. `outputKind` overrides detection: `logits` says the model's
 * output is pre-activation (softmax over columns, or sigmoid for one column, gives probabilities);
 * `probabilities` says the output already is probabilities whatever the last layer looks like.
 */
export function detectHead(model: tf.LayersModel, outputKind?: 'logits' | 'probabilities'): Head {
  const last = model.layers[model.layers.length - 1]!;
  const className = last.getClassName();
  const config = last.getConfig() as { activation?: string };
  const shape = model.outputs[0]!.shape;
  const width = shape[shape.length - 1] ?? 1;
  const classifier: OutputActivation = width === 1 ? 'sigmoid' : 'softmax';
  if (outputKind === 'logits') return { activation: classifier, kind: 'identity', width };
  if (className === 'Softmax') return { activation: 'softmax', kind: 'activation-layer', width };
  if (config.activation === 'softmax' || config.activation === 'sigmoid') {
    const kind = className === 'Activation' ? 'activation-layer' : className === 'Dense' ? 'dense' : 'opaque';
    return { activation: config.activation, kind, width };
  }
  if (outputKind === 'probabilities') return { activation: classifier, kind: 'opaque', width };
  return { activation: 'linear', kind: 'identity', width };
}

/** Task and default class labels implied by a head. */
export function inferTask(head: Head, classes?: readonly string[]): { task: Task; classes: string[] } {
  if (classes && classes.length > 0) {
    const expected = head.width === 1 && head.activation === 'sigmoid' ? 2 : head.width;
    if (classes.length !== expected) {
      throw new GlassboxError('shape_mismatch', `The model has ${head.width} output column(s) (${head.activation}), which means ${expected} classes, but ${classes.length} class labels were given`, {
        argument: 'classes',
        hint: 'Give one label per output column (two for a single sigmoid unit).',
      });
    }
    return { task: classes.length === 2 ? 'binary' : 'multiclass', classes: [...classes] };
  }
  if (head.width === 1) return head.activation === 'sigmoid' ? { task: 'binary', classes: ['0', '1'] } : { task: 'regression', classes: [] };
  return { task: head.width === 2 ? 'binary' : 'multiclass', classes: Array.from({ length: head.width }, (_, k) => String(k)) };
}

/** Pre-activation outputs, width `head.width`. Call inside tf.tidy / tf.grad. */
export function rawLogits(model: tf.LayersModel, head: Head, x: tf.Tensor, options: ExecuteOptions = {}): tf.Tensor2D {
  if (head.kind === 'identity') return executeLayers(model, x, options).output as tf.Tensor2D;
  const last = model.layers[model.layers.length - 1]!;
  if (head.kind === 'activation-layer') return executeLayers(model, x, { ...options, stopBefore: last.name }).output as tf.Tensor2D;
  if (head.kind === 'dense') {
    const hidden = executeLayers(model, x, { ...options, stopBefore: last.name }).output as tf.Tensor2D;
    const [kernel, bias] = last.getWeights();
    const linear = tf.matMul(hidden, kernel as tf.Tensor2D);
    return (bias ? tf.add(linear, bias) : linear) as tf.Tensor2D;
  }
  const p = tf.clipByValue(executeLayers(model, x, options).output, 1e-7, 1 - 1e-7);
  return (head.activation === 'sigmoid' ? tf.sub(tf.log(p), tf.log1p(tf.neg(p))) : tf.log(p)) as tf.Tensor2D;
}

/**
 * glassbox's view of the output: probabilities with one column per class (a single sigmoid unit p
 * becomes [1-p, p]), or logits with one column per class (a single unit z becomes [0, z], whose
 * softmax is [1-σ(z), σ(z)], as the ONNX adapters do). Regression outputs pass through.
 */
export function classOutputs(model: tf.LayersModel, head: Head, x: tf.Tensor, mode: 'logits' | 'probabilities', options: ExecuteOptions = {}): tf.Tensor2D {
  if (mode === 'probabilities' && head.kind !== 'identity' && head.kind !== 'opaque') {
    const p = executeLayers(model, x, options).output as tf.Tensor2D;
    return head.width === 1 && head.activation === 'sigmoid' ? (tf.concat([tf.sub(1, p), p], 1) as tf.Tensor2D) : p;
  }
  const z = rawLogits(model, head, x, options);
  if (head.width === 1 && head.activation === 'sigmoid') {
    return (mode === 'logits' ? tf.concat([tf.zerosLike(z), z], 1) : tf.concat([tf.sigmoid(tf.neg(z)), tf.sigmoid(z)], 1)) as tf.Tensor2D;
  }
  if (mode === 'logits' || (head.activation === 'linear' && head.width === 1)) return z;
  return head.activation === 'sigmoid' ? tf.sigmoid(z) : tf.softmax(z);
}

/**
 * Per-row loss for training: cross-entropy -log p(y) for classification (computed stably from raw
 * logits), squared error for regression. `y` holds class indices or targets.
 */
export function perRowLoss(head: Head, z: tf.Tensor2D, y: tf.Tensor1D, task: Task): tf.Tensor1D {
  if (task === 'regression') return tf.sum(tf.square(tf.sub(z, tf.reshape(y, [-1, 1]))), 1) as tf.Tensor1D;
  if (head.width === 1 && head.activation === 'sigmoid') {
    const col = tf.reshape(z, [-1]);
    // -[y log σ(z) + (1-y) log(1-σ(z))] = softplus(z) - y z
    return tf.sub(tf.softplus(col), tf.mul(y, col)) as tf.Tensor1D;
  }
  const oneHot = tf.oneHot(tf.cast(y, 'int32'), head.width);
  const logp = head.activation === 'sigmoid' ? tf.neg(tf.softplus(tf.neg(z))) : tf.logSoftmax(z);
  return tf.neg(tf.sum(tf.mul(oneHot, logp), 1)) as tf.Tensor1D;
}
