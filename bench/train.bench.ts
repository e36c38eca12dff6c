/**
 * Fine-tuning throughput of src/train on the wasm backend: one epoch over 2,000 MNIST training images
 * (batch 64, Adam lr 1e-4) of the reference `mnist/cnn.onnx`, its initializers trained through the
 * tfjs interpreter, beside the same architecture as a native TF.js LayersModel (Conv 8 → pool → Conv 16
 * → pool → Dense 64 → Dense 10, same padding) trained by the same `fit`. The reference column is that
 * native TF.js run: the cost of interpreting the ONNX graph. timings.json has no PyTorch training figure.
 * Also prints the ONNX model's test accuracy (1,500 reference test images, onnxruntime) before and after,
 * and checks the written file reloads in onnxruntime with the same predictions.
 *
 * Run alone: `npx tsx bench/train.bench.ts`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadOnnxModel } from '../src/model/onnx.js';
import { loadOnnxGradModel } from '../src/model/onnx-grad/public.js';
import type { Model } from '../src/model/model.js';
import { initTf, tf } from '../src/model/tfjs/backend.js';
import { reinitializeWeights } from '../src/model/tfjs/init.js';
import { TfjsLayersModel } from '../src/model/tfjs/layers-model.js';
import type { Tensor } from '../src/model/tensor.js';
import { composeLoss, crossEntropy, fit, loadTrainableOnnx, type TrainingData } from '../src/train/public.js';
import { REFERENCE_DIR as referenceDir } from '../test/support/reference.js';
import { printResults, type BenchResult } from './types.js';

const TRAIN = 2000;

function split(): { train: [number, number][]; test: [number, number][] } {
  const s = JSON.parse(readFileSync(resolve(referenceDir, 'mnist/split.json'), 'utf8')) as { test: [number, number][]; train: [number, number][] } | [number, number][];
  return Array.isArray(s) ? { train: s.slice(0, 8500), test: s.slice(8500) } : s;
}

function images(entries: readonly [number, number][], layout: 'nchw' | 'nhwc'): { x: Tensor; y: Float32Array } {
  const mnist = createRequire(import.meta.url)('mnist') as Record<number, { get(i: number): number[] }>;
  const data = new Float32Array(entries.length * 784);
  const y = new Float32Array(entries.length);
  entries.forEach(([digit, index], i) => {
    data.set(mnist[digit]!.get(index), i * 784);
    y[i] = digit;
  });
  return { x: { data, shape: layout === 'nchw' ? [entries.length, 1, 28, 28] : [entries.length, 28, 28, 1] }, y };
}

async function accuracy(model: Model, x: Tensor, y: Float32Array): Promise<number> {
  const p = await model.predict(x);
  let right = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (p[i * 10 + k]! > p[i * 10 + best]!) best = k;
    if (best === y[i]) right++;
  }
  return right / y.length;
}

function nativeCnn(): TfjsLayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv2' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }));
  m.add(tf.layers.flatten({ name: 'flat' }));
  m.add(tf.layers.dense({ units: 64, activation: 'relu', name: 'fc1' }));
  m.add(tf.layers.dense({ units: 10, name: 'logits' }));
  reinitializeWeights(m, 0);
  return new TfjsLayersModel(m, { outputKind: 'logits' });
}

export async function run(): Promise<BenchResult[]> {
  await initTf('wasm');
  const { train, test } = split();
  const trainSet = images(train.slice(0, TRAIN), 'nchw');
  const testSet = images(test, 'nchw');
  const loss = composeLoss(crossEntropy());
  const options = { epochs: 1, batchSize: 64, seed: 0, optimizer: { kind: 'adam', learningRate: 1e-4 } } as const;
  const load = `load ${loadavg()[0]!.toFixed(1)}`;

  const onnx = await loadTrainableOnnx(resolve(referenceDir, 'mnist/cnn.onnx'));
  const before = await accuracy(onnx, testSet.x, testSet.y);
  const data: TrainingData = { x: trainSet.x, y: trainSet.y };
  let start = process.hrtime.bigint();
  await fit(onnx, data, loss, options);
  const onnxSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const after = await accuracy(onnx, testSet.x, testSet.y);
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-train-bench-'));
  const path = join(dir, 'tuned.onnx');
  await onnx.save(path);
  const reloaded = await loadOnnxModel(path);
  const a = await onnx.predict(testSet.x);
  const b = await reloaded.predict(testSet.x);
  const maxDiff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  rmSync(dir, { recursive: true, force: true });

  const native = nativeCnn();
  const nhwc = images(train.slice(0, TRAIN), 'nhwc');
  start = process.hrtime.bigint();
  await fit(native, { x: nhwc.x, y: nhwc.y }, loss, options);
  const nativeSeconds = Number(process.hrtime.bigint() - start) / 1e9;

  // What a step compiled into onnxruntime could cost: its compiled cross-entropy backward pass (to
  // the input; a weight-gradient graph would do about the same work) over the same images and batches.
  const ortModel = await loadOnnxGradModel(resolve(referenceDir, 'mnist/cnn.onnx'), { batchSize: 64, engine: 'onnxruntime' });
  const labels = Int32Array.from(trainSet.y);
  await ortModel.lossGradients({ data: trainSet.x.data.subarray(0, 64 * 784), shape: [64, 1, 28, 28] }, labels.subarray(0, 64));
  start = process.hrtime.bigint();
  await ortModel.lossGradients(trainSet.x, labels);
  const ortSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  await ortModel.dispose();

  return [
    {
      name: `onnxruntime compiled cross-entropy backward pass (input gradients), same ${TRAIN} images, batch 64`,
      ours: TRAIN / ortSeconds,
      reference: TRAIN / onnxSeconds,
      unit: 'rows/s',
      referenceSource: 'the interpreter training epoch above',
      note: `${load}; an estimate of what compiling weight gradients into onnxruntime could gain (no optimizer step included)`,
    },
    {
      name: `fine-tune mnist/cnn.onnx, 1 epoch × ${TRAIN} images, batch 64 (tfjs interpreter, wasm)`,
      ours: TRAIN / onnxSeconds,
      reference: TRAIN / nativeSeconds,
      unit: 'rows/s',
      referenceSource: 'same CNN as a native TF.js LayersModel, same fit',
      note: `${load}; test accuracy ${before.toFixed(4)} → ${after.toFixed(4)}; written file in onnxruntime: max |Δp| ${maxDiff.toExponential(1)}`,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('Training (src/train)', await run());
