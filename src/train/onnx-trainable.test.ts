import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centralDifferences, crossEntropy64, mlpLogits64, mlpOnnx, randomMlp, randomSmallCnn, smallCnnLogits64, type MlpWeights } from '../../test/support/tiny-nets.js';
import { isTrainable } from '../model/capabilities.js';
import { loadOnnxModel } from '../model/onnx.js';
import { smallCnnOnnx, type SmallCnnWeights } from '../model/onnx-grad/small-cnn.js';
import { initTf } from '../model/tfjs/backend.js';
import { Rng } from '../rng.js';
import { fit } from './fit.js';
import { parameterGradients } from './gradients.js';
import { composeLoss, crossEntropy } from './losses.js';
import { loadTrainableOnnx } from './onnx-trainable.js';
import type { TrainingData } from './types.js';
import { buildGraph, values } from '../../test/fixtures/onnx/build-graph.js';

const ce = composeLoss(crossEntropy());

function rows(seed: number, n: number, width: number, classes: number, rule: (x: Float32Array, i: number) => number): TrainingData {
  const rng = new Rng(seed);
  const x = new Float32Array(n * width);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = rule(x, i) % classes;
  return { x: { data: x, shape: [n, width] }, y };
}

/** Mean float64 cross-entropy of `logits` over the rows, as a function of one flattened weight array. */
function meanLoss(data: TrainingData, logits: (row: Float32Array) => Float64Array): number {
  const n = data.y.length;
  const size = data.x.data.length / n;
  let total = 0;
  for (let i = 0; i < n; i++) total += crossEntropy64(logits(data.x.data.subarray(i * size, (i + 1) * size)), data.y[i]!);
  return total / n;
}

function expectClose(actual: Float32Array, expected: Float64Array, tolerance: number): void {
  const scale = Math.max(1e-3, ...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(tolerance * scale);
}

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('TrainableOnnxModel', () => {
  let dir = '';
  beforeAll(async () => {
    await initTf('wasm');
    dir = await mkdtemp(join(tmpdir(), 'glassbox-train-onnx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the MLP weights and biases, and its weight gradients match float64 central differences', async () => {
    const w = randomMlp(3, 4, 5, 3);
    const model = await loadTrainableOnnx(mlpOnnx(w, 'softmax'));
    expect(isTrainable(model)).toBe(true);
    expect(model.trainableParameters).toEqual(['w1', 'b1', 'w2', 'b2']);
    const data = rows(4, 12, 4, 3, (x, i) => (x[i * 4]! > 0 ? 1 : 0) + (x[i * 4 + 1]! > 0 ? 1 : 0));
    const { gradients, parts } = await parameterGradients(model, data, ce);
    const at = (name: keyof MlpWeights, values: Float64Array): MlpWeights => ({ ...w, [name]: values as unknown as Float32Array });
    expect(parts.taskLoss).toBeCloseTo(meanLoss(data, (x) => mlpLogits64(w, x)), 5);
    for (const name of ['w1', 'b1', 'w2', 'b2'] as const) {
      const fd = centralDifferences((v) => meanLoss(data, (x) => mlpLogits64(at(name, v), x)), w[name], 1e-4);
      expectClose(gradients.get(name)!, fd, 2e-3);
    }
  });

  it('CNN (Conv → Relu → MaxPool → Gemm) weight gradients match float64 central differences', async () => {
    const w: SmallCnnWeights = randomSmallCnn(5, 1, 6, 6, 2, 3);
    const model = await loadTrainableOnnx(smallCnnOnnx(w));
    expect(model.trainableParameters).toEqual(['conv.weight', 'conv.bias', 'fc.weight', 'fc.bias']);
    const flat = rows(6, 5, 36, 3, (_x, i) => i);
    const data: TrainingData = { ...flat, x: { data: flat.x.data, shape: [5, 1, 6, 6] } };
    const { gradients } = await parameterGradients(model, data, ce);
    const fields = { 'conv.weight': 'convW', 'conv.bias': 'convB', 'fc.weight': 'denseW', 'fc.bias': 'denseB' } as const;
    for (const [name, field] of Object.entries(fields)) {
      const fd = centralDifferences((v) => meanLoss(data, (x) => smallCnnLogits64({ ...w, [field]: v as unknown as Float32Array }, x)), w[field], 1e-4);
      expectClose(gradients.get(name)!, fd, 3e-3);
    }
  });

  it('fine-tuning lowers the loss; the written file runs in onnxruntime with the fine-tuned predictions; same seed → same bytes', async () => {
    const w = randomMlp(7, 4, 8, 2);
    const bytes = mlpOnnx(w, 'softmax');
    const data = rows(8, 80, 4, 2, (x, i) => (x[i * 4]! + x[i * 4 + 2]! > 0 ? 1 : 0));
    const tune = async (seed: number) => {
      const model = await loadTrainableOnnx(bytes);
      const result = await fit(model, data, ce, { epochs: 8, batchSize: 16, seed, optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0.9 } });
      return { model, result };
    };
    const { model, result } = await tune(1);
    expect(result.history[7]!.taskLoss).toBeLessThan(result.history[0]!.taskLoss * 0.7);
    const path = join(dir, 'tuned.onnx');
    await model.save(path);
    const written = new Uint8Array(await readFile(path));
    const ort = await loadOnnxModel(written);
    const tuned = await model.predict(data.x);
    const reloaded = await ort.predict(data.x);
    for (let i = 0; i < tuned.length; i++) expect(reloaded[i]!).toBeCloseTo(tuned[i]!, 5);
    // the predictions did change, and they are the tuned weights' (float64 forward pass of getWeights)
    const original = await (await loadOnnxModel(bytes)).predict(data.x);
    expect(Math.max(...Array.from(original, (v, i) => Math.abs(v - reloaded[i]!)))).toBeGreaterThan(0.05);
    const tw = model.getWeights();
    const z = mlpLogits64({ ...w, w1: tw.get('w1')!.data, b1: tw.get('b1')!.data, w2: tw.get('w2')!.data, b2: tw.get('b2')!.data }, data.x.data.subarray(0, 4));
    expect(reloaded[1]!).toBeCloseTo(1 / (1 + Math.exp(z[0]! - z[1]!)), 5);
    const again = await tune(1);
    expect(sha(again.model.toBytes())).toBe(sha(written));
    expect(sha((await tune(2)).model.toBytes())).not.toBe(sha(written));
  });

  it('clone, getWeights and setWeights are independent copies; the quick fit works; bad names are refused', async () => {
    const w = randomMlp(9, 3, 4, 2);
    const model = await loadTrainableOnnx(mlpOnnx(w, 'sigmoid'), { task: 'binary' });
    const data = rows(10, 40, 3, 2, (x, i) => (x[i * 3]! > 0 ? 1 : 0));
    const copy = await model.clone();
    const before = await model.predict(data.x);
    await copy.fit(data.x, data.y, { epochs: 3, batchSize: 8, learningRate: 0.05 });
    expect(await model.predict(data.x)).toEqual(before);
    expect(await copy.predict(data.x)).not.toEqual(before);
    await model.setWeights(copy.getWeights());
    expect(await model.predict(data.x)).toEqual(await copy.predict(data.x));
    await expect(model.setWeights(new Map([['nope', { data: new Float32Array(1), shape: [1] }]]))).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(model.setWeights(new Map([['b1', { data: new Float32Array(2), shape: [2] }]]))).rejects.toMatchObject({ code: 'shape_mismatch' });
    await expect(loadTrainableOnnx(mlpOnnx(w, 'none'), { parameters: ['input'] })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('masks keep pruned weights exactly 0 while the rest is fine-tuned (prune, then fine-tune)', async () => {
    const w = randomMlp(11, 4, 8, 2);
    const model = await loadTrainableOnnx(mlpOnnx(w, 'softmax'));
    const data = rows(12, 64, 4, 2, (x, i) => (x[i * 4 + 1]! > 0 ? 1 : 0));
    const median = [...w.w1].map(Math.abs).sort((a, b) => a - b)[16]!;
    const mask = Float32Array.from(w.w1, (v) => (Math.abs(v) >= median ? 1 : 0));
    const result = await fit(model, data, ce, { epochs: 5, batchSize: 16, seed: 0, optimizer: { kind: 'adam', learningRate: 0.05 }, masks: new Map([['w1', mask]]) });
    const tuned = model.getWeights().get('w1')!.data;
    mask.forEach((m, i) => {
      if (m === 0) expect(tuned[i]).toBe(0);
      else expect(tuned[i]).not.toBe(w.w1[i]);
    });
    expect(result.history[4]!.taskLoss).toBeLessThan(result.history[0]!.taskLoss);
    await expect(fit(model, data, ce, { masks: new Map([['w9', mask]]) })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(fit(model, data, ce, { masks: new Map([['b1', mask]]) })).rejects.toMatchObject({ code: 'shape_mismatch' });
  });

  it('PyTorch-style MatMul + Add, BatchNormalization and Gemm(transB): trains weights, biases, BN scale/shift (not its statistics); gradients match float64 differences', async () => {
    const P = { W: values(20, 1), b: values(5, 2), s: values(5, 3, 0.5, 1.5), B: values(5, 4), mean: values(5, 5), v: values(5, 6, 0.5, 2), W2: values(15, 7), b2: values(3, 8) };
    const bytes = buildGraph({
      opset: 13,
      inputs: { input: [6, 4] },
      inits: { W: { dims: [4, 5], values: P.W }, b: { dims: [5], values: P.b }, s: { dims: [5], values: P.s }, B: { dims: [5], values: P.B }, mean: { dims: [5], values: P.mean }, v: { dims: [5], values: P.v }, W2: { dims: [3, 5], values: P.W2 }, b2: { dims: [3], values: P.b2 } },
      nodes: [
        { op: 'MatMul', inputs: ['input', 'W'], outputs: ['mm'] },
        { op: 'Add', inputs: ['mm', 'b'], outputs: ['lin'] },
        { op: 'BatchNormalization', inputs: ['lin', 's', 'B', 'mean', 'v'], outputs: ['bn'], attrs: { epsilon: { f: 1e-5 } } },
        { op: 'Relu', inputs: ['bn'], outputs: ['r'] },
        { op: 'Gemm', inputs: ['r', 'W2', 'b2'], outputs: ['z'], attrs: { transB: 1 } },
        { op: 'Softmax', inputs: ['z'], outputs: ['probabilities'], attrs: { axis: 1 } },
      ],
      outputs: ['probabilities'],
    });
    const model = await loadTrainableOnnx(bytes, { task: 'multiclass', classes: ['a', 'b', 'c'] });
    expect(model.trainableParameters).toEqual(['W', 'b', 's', 'B', 'W2', 'b2']);
    const data = rows(13, 6, 4, 3, (_x, i) => i);
    const logits64 = (q: Record<keyof typeof P, ArrayLike<number>>, x: ArrayLike<number>): Float64Array => {
      const h = Array.from({ length: 5 }, (_, j) => {
        let t = q.b[j]!;
        for (let i = 0; i < 4; i++) t += x[i]! * q.W[i * 5 + j]!;
        const a = q.s[j]! / Math.sqrt(q.v[j]! + 1e-5);
        return Math.max(0, (t - q.mean[j]!) * a + q.B[j]!);
      });
      return Float64Array.from({ length: 3 }, (_, k) => h.reduce((acc, hj, j) => acc + hj * q.W2[k * 5 + j]!, q.b2[k]!));
    };
    const f32 = Object.fromEntries(Object.entries(P).map(([k, v]) => [k, Float32Array.from(v)])) as Record<keyof typeof P, Float32Array>;
    const { gradients } = await parameterGradients(model, data, ce);
    for (const name of ['W', 'b', 's', 'B', 'W2', 'b2'] as const) {
      const fd = centralDifferences((v) => meanLoss(data, (x) => logits64({ ...f32, [name]: v }, x)), f32[name], 1e-4);
      expectClose(gradients.get(name)!, fd, 2e-3);
    }
    await fit(model, data, ce, { epochs: 2, batchSize: 3, optimizer: { kind: 'sgd', learningRate: 0.1 } });
    const after = model.getWeights();
    expect(after.get('mean')!.data).toEqual(f32.mean);
    expect(after.get('v')!.data).toEqual(f32.v);
    expect(after.get('s')!.data).not.toEqual(f32.s);
  });
});
