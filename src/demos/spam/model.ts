import { initTf, tf } from '../../model/tfjs/backend.js';
import { reinitializeWeights } from '../../model/tfjs/init.js';
import { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import type { DemoProgress } from '../types.js';
import { SPAM_CLASSES } from './data.js';
import type { SpamData } from './data.js';
import { BagOfWordsEncoder } from '../../encode/bag-of-words.js';

export const SPAM_TRAINING = Object.freeze({ epochs: 8, batchSize: 32, learningRate: 3e-3, l2: 1e-5, maxVocabulary: 2000, minDocumentFrequency: 5 });

/** Bag-of-words MLP: vocabulary → 16 (ReLU) → dropout 0.2 → 2 (softmax). */
export function buildSpamNetwork(inputWidth: number, seed: number): tf.LayersModel {
  const model = tf.sequential({ name: 'spam_mlp' });
  model.add(tf.layers.dense({ inputShape: [inputWidth], units: 16, activation: 'relu', name: 'hidden' }));
  model.add(tf.layers.dropout({ rate: 0.2, name: 'dropout' }));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'output' }));
  reinitializeWeights(model, seed);
  return model;
}

/** Fits the vocabulary on the train texts and trains the MLP with seeded Adam (a few seconds). */
export async function trainSpamModel(data: SpamData, seed: number, onProgress?: (p: DemoProgress) => void, signal?: AbortSignal): Promise<{ model: TfjsLayersModel; encoder: BagOfWordsEncoder }> {
  await initTf('wasm');
  const train: number[] = [];
  for (let i = 0; i < data.isTest.length; i++) if (!data.isTest[i]) train.push(i);
  const encoder = BagOfWordsEncoder.fit(train.map((i) => data.texts[i]!), SPAM_TRAINING);
  const x = encoder.encode(train.map((i) => data.texts[i]!));
  const y = Float32Array.from(train, (i) => data.labels[i]!);
  const model = new TfjsLayersModel(buildSpamNetwork(encoder.outputWidth, seed), { classes: SPAM_CLASSES, description: 'spam demo bag-of-words MLP (SpamAssassin corpus)' });
  await model.fit({ data: x, shape: [train.length, encoder.outputWidth] }, y, {
    epochs: SPAM_TRAINING.epochs,
    batchSize: SPAM_TRAINING.batchSize,
    learningRate: SPAM_TRAINING.learningRate,
    l2: SPAM_TRAINING.l2,
    seed,
    ...(signal ? { signal } : {}),
    onProgress: (p) => onProgress?.({ stage: 'train', message: `spam: epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}`, ...p }),
  });
  return { model, encoder };
}
