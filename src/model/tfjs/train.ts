import * as tf from './tfjs-api.js';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import { Rng } from '../../rng.js';
import type { Task } from '../model.js';
import type { Tensor } from '../tensor.js';
import { rowSize } from '../tensor.js';
import { perRowLoss, rawLogits } from './head.js';
import type { Head } from './head.js';

export interface FitOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  /** Per-row weights in the loss (mean of w·loss over the batch, divided by the mean weight). */
  readonly sampleWeights?: Float32Array;
  readonly learningRate?: number;
  /** L2 penalty on kernels (not biases), added to the loss. */
  readonly l2?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: { epoch: number; epochs: number; loss: number }) => void;
  /** Called after every optimizer step (1-based `step` over all epochs), e.g. to snapshot checkpoints; changes nothing in training. */
  readonly onStep?: (progress: { step: number; epoch: number; stepsPerEpoch: number }) => void;
}

function checkInputs(x: Tensor, y: Float32Array, options: FitOptions, task: Task, width: number): void {
  const n = x.shape[0] ?? 0;
  if (y.length !== n) {
    throw new GlassboxError('shape_mismatch', `fit: ${n} input rows but ${y.length} labels`, { argument: 'y', hint: 'Pass one label per input row.' });
  }
  if (options.sampleWeights && options.sampleWeights.length !== n) {
    throw new GlassboxError('shape_mismatch', `fit: ${n} input rows but ${options.sampleWeights.length} sample weights`, { argument: 'sampleWeights', hint: 'Pass one weight per row.' });
  }
  if (task === 'regression') return;
  const classes = width === 1 ? 2 : width;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (!(Number.isInteger(v) && v >= 0 && v < classes)) {
      throw new GlassboxError('invalid_input', `fit: label ${v} at row ${i} is not a class index in [0, ${classes})`, { row: i, argument: 'y', hint: 'Labels are class indices in model-output order.' });
    }
  }
}

/**
 * Mini-batch Adam (Kingma & Ba, 2015) on the model's trainable weights with a seeded row shuffle and
 * seeded dropout masks, so the same seed gives the same weights. Loss: weighted cross-entropy for
 * classification, squared error for regression.
 */
export async function fitLayersModel(model: tf.LayersModel, head: Head, task: Task, x: Tensor, y: Float32Array, options: FitOptions = {}): Promise<void> {
  checkInputs(x, y, options, task, head.width);
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 32;
  const rng = new Rng(options.seed ?? 0);
  const n = x.shape[0] ?? 0;
  const size = rowSize(x.shape);
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = model.trainableWeights.filter((w) => /kernel|embeddings/.test(w.originalName)).map((w) => w.read());
  const xb = new Float32Array(batchSize * size);
  const yb = new Float32Array(batchSize);
  const wb = new Float32Array(batchSize);
  const stepsPerEpoch = Math.ceil(n / batchSize);
  let step = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = rng.permutation(n);
      let total = 0;
      for (let start = 0; start < n; start += batchSize) {
        throwIfAborted(options.signal);
        const m = Math.min(batchSize, n - start);
        for (let r = 0; r < m; r++) {
          const i = order[start + r]!;
          xb.set(x.data.subarray(i * size, (i + 1) * size), r * size);
          yb[r] = y[i]!;
          wb[r] = options.sampleWeights ? options.sampleWeights[i]! : 1;
        }
        const cost = optimizer.minimize(() => {
          const input = tf.tensor(xb.subarray(0, m * size), [m, ...x.shape.slice(1)]);
          const z = rawLogits(model, head, input, { training: true, dropoutRng: rng });
          const losses = perRowLoss(head, z, tf.tensor1d(yb.subarray(0, m)), task);
          const w = tf.tensor1d(wb.subarray(0, m));
          let loss = tf.div(tf.sum(tf.mul(losses, w)), tf.maximum(tf.sum(w), 1e-12)) as tf.Scalar;
          if (options.l2) for (const k of kernels) loss = tf.add(loss, tf.mul(options.l2, tf.sum(tf.square(k))));
          return loss;
        }, true, variables);
        total += (cost?.dataSync()[0] ?? 0) * m;
        cost?.dispose();
        step += 1;
        options.onStep?.({ step, epoch: epoch + 1, stepsPerEpoch });
      }
      options.onProgress?.({ epoch: epoch + 1, epochs, loss: total / Math.max(n, 1) });
      await Promise.resolve();
    }
  } finally {
    optimizer.dispose();
  }
}
