import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fitEncoder } from '../../encode/fit.js';
import { encoderFromJson, encoderToJson } from '../../encode/json.js';
import { rawMatrixFromTable } from '../../encode/raw-matrix.js';
import type { Encoder } from '../../encode/encoder.js';
import type { DeclarativeEncoder } from '../../encode/declarative.js';
import { initTf, tf } from '../../model/tfjs/backend.js';
import { writeFileAtomic } from '../../model/tfjs/file-io.js';
import { reinitializeWeights } from '../../model/tfjs/init.js';
import { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import { loadMatchingModel } from '../artifacts.js';
import type { Tensor } from '../../model/tensor.js';
import { labelCodes, splitRows } from '../splits.js';
import type { DemoProgress } from '../types.js';
import type { CreditData } from './generate.js';

export const CREDIT_TRAINING = Object.freeze({ epochs: 25, batchSize: 64, learningRate: 2e-3, l2: 1e-5 });

/** MLP 28 → 32 (ReLU) → dropout 0.1 → 16 (ReLU) → 2 (softmax). */
export function buildCreditNetwork(inputWidth: number, seed: number): tf.LayersModel {
  const model = tf.sequential({ name: 'credit_mlp' });
  model.add(tf.layers.dense({ inputShape: [inputWidth], units: 32, activation: 'relu', name: 'dense_1' }));
  model.add(tf.layers.dropout({ rate: 0.1, name: 'dropout' }));
  model.add(tf.layers.dense({ units: 16, activation: 'relu', name: 'dense_2' }));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'output' }));
  reinitializeWeights(model, seed);
  return model;
}

/** Encoded inputs of every row of the credit table. */
export function creditInputs(data: CreditData, encoder: Encoder): Tensor {
  const raw = rawMatrixFromTable(data.table, encoder.features);
  return { data: encoder.encode(raw), shape: [data.table.nRows, encoder.outputWidth] };
}

/**
 * Fits the encoder (standardize numerics, one-hot categoricals) on the train split and trains the
 * MLP with seeded Adam. About 3–6 s on one core.
 */
export async function trainCreditModel(data: CreditData, seed: number, onProgress?: (p: DemoProgress) => void, signal?: AbortSignal): Promise<{ model: TfjsLayersModel; encoder: DeclarativeEncoder }> {
  await initTf('wasm');
  const { train } = splitRows(data.table, data.schema.split!.column, data.schema.split!.testValue);
  const raw = rawMatrixFromTable(data.table, data.schema.features);
  const encoder = fitEncoder(raw, data.schema.features, { rows: train });
  const all = encoder.encode(raw);
  const width = encoder.outputWidth;
  const x = new Float32Array(train.length * width);
  const y = new Float32Array(train.length);
  const labels = labelCodes(data.table, 'repaid');
  train.forEach((row, i) => {
    x.set(all.subarray(row * width, (row + 1) * width), i * width);
    y[i] = labels[row]!;
  });
  const model = new TfjsLayersModel(buildCreditNetwork(width, seed), { classes: ['no', 'yes'], description: 'credit demo MLP (glassbox/credit generator)' });
  await model.fit({ data: x, shape: [train.length, width] }, y, {
    ...CREDIT_TRAINING,
    seed,
    ...(signal ? { signal } : {}),
    onProgress: (p) => onProgress?.({ stage: 'train', message: `credit: epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}`, ...p }),
  });
  return { model, encoder };
}

/** Saves model.json + weights.bin + encoder.json into `dir`, tagged with the data fingerprint. */
export async function saveCreditModel(dir: string, model: TfjsLayersModel, encoder: Encoder, fingerprint: string): Promise<void> {
  await model.save(dir, { fingerprint });
  await writeFileAtomic(join(dir, 'encoder.json'), JSON.stringify(encoderToJson(encoder), null, 1));
}

/** Loads the artifact in `dir` when it was trained on data with this fingerprint; otherwise undefined. */
export async function loadCreditModel(dir: string, fingerprint: string): Promise<{ model: TfjsLayersModel; encoder: DeclarativeEncoder } | undefined> {
  const model = await loadMatchingModel(dir, fingerprint);
  if (!model) return undefined;
  const encoder = encoderFromJson(JSON.parse(await readFile(join(dir, 'encoder.json'), 'utf8')), join(dir, 'encoder.json'));
  return { model, encoder };
}
