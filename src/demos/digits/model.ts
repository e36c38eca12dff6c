import { initTf, tf } from '../../model/tfjs/backend.js';
import { reinitializeWeights } from '../../model/tfjs/init.js';
import { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import type { NamedWeights } from '../../model/capabilities.js';
import type { DemoProgress } from '../types.js';
import { DIGIT_CLASSES, IMAGE_SIZE } from './data.js';
import type { DigitsData } from './data.js';

export const DIGITS_TRAINING = Object.freeze({ epochs: 3, batchSize: 64, learningRate: 2e-3 });

/**
 * Small CNN: conv 3×3×8 (ReLU) → max-pool 2 → conv 3×3×16 (ReLU) → max-pool 2 → flatten → dropout 0.25
 * → dense 64 (ReLU) → dense 10 (`logits`) → softmax (`probs`). `conv2` is the Grad-CAM layer.
 */
export function buildDigitsNetwork(seed: number): tf.LayersModel {
  const model = tf.sequential({ name: 'digits_cnn' });
  model.add(tf.layers.conv2d({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 1], filters: 8, kernelSize: 3, activation: 'relu', name: 'conv1' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
  model.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', name: 'conv2' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(tf.layers.dropout({ rate: 0.25, name: 'dropout' }));
  model.add(tf.layers.dense({ units: 64, activation: 'relu', name: 'dense' }));
  model.add(tf.layers.dense({ units: 10, name: 'logits' }));
  model.add(tf.layers.activation({ activation: 'softmax', name: 'probs' }));
  reinitializeWeights(model, seed);
  return model;
}

/**
 * Trains the CNN on the train split with seeded Adam on the wasm backend (≈ 15–20 s on one core). With
 * `checkpoints`, copies of the weights after the given optimizer steps are put into `checkpoints.into`
 * (training is unchanged by it).
 */
export async function trainDigitsModel(data: DigitsData, seed: number, onProgress?: (p: DemoProgress) => void, signal?: AbortSignal, checkpoints?: { readonly steps: readonly number[]; readonly into: Map<number, NamedWeights> }): Promise<TfjsLayersModel> {
  await initTf('wasm');
  const size = IMAGE_SIZE * IMAGE_SIZE;
  const trainRows: number[] = [];
  for (let i = 0; i < data.isTest.length; i++) if (!data.isTest[i]) trainRows.push(i);
  const x = new Float32Array(trainRows.length * size);
  const y = new Float32Array(trainRows.length);
  trainRows.forEach((row, i) => {
    x.set(data.images.data.subarray(row * size, (row + 1) * size), i * size);
    y[i] = data.labels[row]!;
  });
  const model = new TfjsLayersModel(buildDigitsNetwork(seed), { classes: DIGIT_CLASSES, description: 'digits demo CNN (mnist package)' });
  await model.fit({ data: x, shape: [trainRows.length, IMAGE_SIZE, IMAGE_SIZE, 1] }, y, {
    ...DIGITS_TRAINING,
    seed,
    ...(signal ? { signal } : {}),
    onStep: ({ step }) => {
      if (checkpoints?.steps.includes(step)) checkpoints.into.set(step, model.getWeights());
    },
    onProgress: (p) => onProgress?.({ stage: 'train', message: `digits: epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}`, ...p }),
  });
  return model;
}
