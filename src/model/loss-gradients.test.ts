import { afterAll, describe, expect, it } from 'vitest';
import { centralDifferences, crossEntropy64, mlpLogits64, mlpOnnx, randomMlp, randomSmallCnn, randomValues, smallCnnLogits64, type MlpHead, type MlpWeights } from '../../test/support/tiny-nets.js';
import { Rng } from '../rng.js';
import type { Differentiable } from './capabilities.js';
import { lossGradients } from './loss-gradients.js';
import type { Model } from './model.js';
import { loadOnnxGradModel } from './onnx-grad/load.js';
import type { OnnxGradModel } from './onnx-grad/adapter.js';
import { smallCnnOnnx } from './onnx-grad/small-cnn.js';
import { initTf } from './tfjs/backend.js';
import * as tf from './tfjs/tfjs-api.js';
import { TfjsLayersModel } from './tfjs/layers-model.js';

/** Worst over rows of max|ours − fd| / max|fd| (float32 gradients against float64 differences). */
function worstRelative(ours: ArrayLike<number>, fd: ArrayLike<number>, rowSize: number): number {
  let worst = 0;
  for (let r = 0; r < fd.length / rowSize; r++) {
    let scale = 0;
    let err = 0;
    for (let j = r * rowSize; j < (r + 1) * rowSize; j++) {
      scale = Math.max(scale, Math.abs(fd[j]!));
      err = Math.max(err, Math.abs(ours[j]! - fd[j]!));
    }
    worst = Math.max(worst, err / Math.max(scale, 1e-12));
  }
  return worst;
}

/** Float64 central differences of the per-row cross-entropy, rows concatenated. */
function fdGradients(logits64: (x: ArrayLike<number>) => Float64Array, x: Float32Array, labels: Int32Array, rowSize: number): { gradient: Float64Array; loss: Float64Array } {
  const gradient = new Float64Array(x.length);
  const loss = new Float64Array(labels.length);
  for (let r = 0; r < labels.length; r++) {
    const row = x.subarray(r * rowSize, (r + 1) * rowSize);
    const f = (p: Float64Array): number => crossEntropy64(logits64(p), labels[r]!);
    gradient.set(centralDifferences(f, row, 1e-5), r * rowSize);
    loss[r] = f(Float64Array.from(row));
  }
  return { gradient, loss };
}

const models: Model[] = [];
afterAll(async () => {
  for (const m of models) await m.dispose?.();
});

async function onnx(bytes: Uint8Array, engine: 'onnxruntime' | 'tfjs', classes?: string[]): Promise<OnnxGradModel> {
  const model = await loadOnnxGradModel(bytes, { engine, backend: 'cpu', ...(classes ? { classes } : {}) });
  models.push(model);
  return model;
}

describe.each(['onnxruntime', 'tfjs'] as const)('cross-entropy loss gradients of ONNX models (%s) against float64 central differences', (engine) => {
  const n = 6;
  const cases: { name: string; head: MlpHead; outputs: number; classes?: string[] }[] = [
    { name: '3-class logits', head: 'none', outputs: 3 },
    { name: '4-class probability output (Softmax head: loss −log p_y)', head: 'softmax', outputs: 4 },
    { name: 'binary single sigmoid unit (logits [0, z])', head: 'sigmoid', outputs: 1, classes: ['no', 'yes'] },
  ];
  for (const c of cases) {
    it(`MLP, ${c.name}`, async () => {
      const w: MlpWeights = randomMlp(11, 5, 7, c.outputs);
      const model = await onnx(mlpOnnx(w, c.head), engine, c.classes);
      expect(model.gradientEngine).toBe(engine);
      const rng = new Rng(3);
      const x = randomValues(rng, n * 5, 1.5);
      const width = model.outputWidth;
      const labels = Int32Array.from({ length: n }, (_, i) => i % width);
      const ours = await model.lossGradients({ data: x, shape: [n, 5] }, labels);
      const fd = fdGradients((p) => mlpLogits64(w, p), x, labels, 5);
      expect(worstRelative(ours.gradient, fd.gradient, 5)).toBeLessThan(1e-5);
      expect(worstRelative(ours.loss, fd.loss, 1)).toBeLessThan(1e-5);
      const probs = await model.predict({ data: x, shape: [n, 5] });
      for (let i = 0; i < probs.length; i++) expect(ours.probabilities[i]!).toBeCloseTo(probs[i]!, 6);
    });
  }

  it('small CNN (conv, ReLU, max-pool, dense), 2 channels 6×6', async () => {
    const w = randomSmallCnn(5, 2, 6, 6, 3, 4);
    const model = await onnx(smallCnnOnnx(w), engine);
    const x = randomValues(new Rng(9), n * 72, 1);
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 3) % 4);
    const ours = await model.lossGradients({ data: x, shape: [n, 2, 6, 6] }, labels);
    const fd = fdGradients((p) => smallCnnLogits64(w, p), x, labels, 72);
    expect(worstRelative(ours.gradient, fd.gradient, 72)).toBeLessThan(1e-5);
  });

  it('each row gets its own gradient: batch size and row order do not matter', async () => {
    const w = randomMlp(2, 4, 6, 3);
    const model = await onnx(mlpOnnx(w, 'none'), engine);
    const x = randomValues(new Rng(1), 5 * 4, 1);
    const labels = Int32Array.from([0, 2, 1, 1, 0]);
    const all = await model.lossGradients({ data: x, shape: [5, 4] }, labels);
    const one = await model.lossGradients({ data: x.slice(12, 16), shape: [1, 4] }, labels.slice(3, 4));
    expect(Array.from(one.gradient)).toEqual(Array.from(all.gradient.subarray(12, 16)));
  });

  it('rejects labels outside the classes, and regression models', async () => {
    const model = await onnx(mlpOnnx(randomMlp(2, 4, 6, 3), 'none'), engine);
    await expect(model.lossGradients({ data: new Float32Array(8), shape: [2, 4] }, Int32Array.from([0, 3]))).rejects.toThrow(/label 3 of row 1/);
    await expect(model.lossGradients({ data: new Float32Array(8), shape: [2, 4] }, Int32Array.from([0]))).rejects.toThrow(/1 labels for 2 rows/);
  });
});

describe('cross-entropy loss gradients of TF.js layers models against float64 central differences', () => {
  it('Dense(relu) → Dense(softmax): the loss of the recomputed logits', async () => {
    await initTf('cpu');
    const w = randomMlp(4, 5, 6, 3);
    const net = tf.sequential();
    net.add(tf.layers.dense({ inputShape: [5], units: 6, activation: 'relu', name: 'hidden' }));
    net.add(tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }));
    net.setWeights([tf.tensor2d(w.w1, [5, 6]), tf.tensor1d(w.b1), tf.tensor2d(w.w2, [6, 3]), tf.tensor1d(w.b2)]);
    const model = new TfjsLayersModel(net);
    models.push(model);
    const x = randomValues(new Rng(8), 4 * 5, 1.5);
    const labels = Int32Array.from([2, 0, 1, 2]);
    const ours = await model.lossGradients({ data: x, shape: [4, 5] }, labels);
    const fd = fdGradients((p) => mlpLogits64(w, p), x, labels, 5);
    expect(worstRelative(ours.gradient, fd.gradient, 5)).toBeLessThan(1e-5);
    expect(worstRelative(ours.loss, fd.loss, 1)).toBeLessThan(1e-5);
  });
});

describe('lossGradients() falls back to inputGradients for Differentiable models without a loss head', () => {
  it('−(∂p_y/∂x)/p_y equals the direct loss gradient', async () => {
    const w = randomMlp(6, 4, 5, 3);
    const model = await onnx(mlpOnnx(w, 'softmax'), 'onnxruntime');
    const bare: Model & Differentiable = {
      task: model.task,
      classes: model.classes,
      outputWidth: model.outputWidth,
      inputSpec: model.inputSpec,
      predict: (x, o) => model.predict(x, o),
      inputGradients: (x, t, o) => model.inputGradients(x, t, o),
      activations: (x, names) => model.activations(x, names),
      layerGradients: (x, l, t, o) => model.layerGradients(x, l, t, o),
      layerNames: model.layerNames,
    };
    const x = { data: randomValues(new Rng(4), 3 * 4, 1), shape: [3, 4] };
    const labels = Int32Array.from([1, 0, 2]);
    const direct = await lossGradients(model, x, labels);
    const fallback = await lossGradients(bare, x, labels);
    expect(worstRelative(fallback.gradient, direct.gradient, 4)).toBeLessThan(1e-4);
    expect(worstRelative(fallback.loss, direct.loss, 1)).toBeLessThan(1e-5);
  });
});
