import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDifferentiable, isStochastic, isTrainable } from '../capabilities.js';
import { Rng } from '../../rng.js';
import type { Tensor } from '../tensor.js';
import { initTf, tf } from './backend.js';
import { TfjsLayersModel } from './layers-model.js';
import { loadTfjsLayersModel } from './load.js';
import { reinitializeWeights } from './init.js';

function randomInput(seed: number, shape: number[]): Tensor {
  const rng = new Rng(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { data, shape };
}

function mlp(options: { dropout?: boolean; sigmoid?: boolean } = {}): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [5], units: 8, activation: 'tanh', name: 'hidden' }));
  if (options.dropout) model.add(tf.layers.dropout({ rate: 0.3, name: 'drop' }));
  model.add(tf.layers.dense({ units: options.sigmoid ? 1 : 3, activation: options.sigmoid ? 'sigmoid' : 'softmax', name: 'out' }));
  reinitializeWeights(model, 11);
  return model;
}

function cnn(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, activation: 'relu', name: 'conv' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }));
  model.add(tf.layers.flatten({ name: 'flat' }));
  model.add(tf.layers.dense({ units: 2, name: 'logits' }));
  model.add(tf.layers.activation({ activation: 'softmax', name: 'probs' }));
  reinitializeWeights(model, 5);
  return model;
}

describe('TfjsLayersModel', () => {
  let dir = '';
  beforeAll(async () => {
    await initTf('wasm');
    dir = await mkdtemp(join(tmpdir(), 'glassbox-tfjs-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('predicts class probabilities and exposes capabilities structurally', async () => {
    const model = new TfjsLayersModel(mlp(), { classes: ['a', 'b', 'c'] });
    expect(model.task).toBe('multiclass');
    expect(model.inputSpec.shape).toEqual([null, 5]);
    expect(isDifferentiable(model) && isTrainable(model)).toBe(true);
    expect(isStochastic(model)).toBe(false);
    const x = randomInput(1, [7, 5]);
    const p = await model.predict(x);
    expect(p).toHaveLength(21);
    for (let r = 0; r < 7; r++) expect(p[3 * r]! + p[3 * r + 1]! + p[3 * r + 2]!).toBeCloseTo(1, 5);
    // logits recomputed from the Dense kernel give the same softmax
    const z = await model.logits(x);
    for (let r = 0; r < 7; r++) {
      const e = [0, 1, 2].map((k) => Math.exp(z[3 * r + k]!));
      const s = e[0]! + e[1]! + e[2]!;
      for (let k = 0; k < 3; k++) expect(e[k]! / s).toBeCloseTo(p[3 * r + k]!, 5);
    }
    await expect(model.predict(randomInput(1, [2, 4]))).rejects.toThrow(/shape \[2, 4\]/);
  });

  it('saves atomically and loads back with identical predictions and metadata', async () => {
    const model = new TfjsLayersModel(mlp(), { classes: ['a', 'b', 'c'], description: 'test mlp' });
    const path = join(dir, 'mlp');
    await model.save(path);
    expect((await readdir(path)).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadTfjsLayersModel(path);
    expect(loaded.classes).toEqual(['a', 'b', 'c']);
    expect(loaded.description).toBe('test mlp');
    const x = randomInput(2, [300, 5]);
    expect(await loaded.predict(x)).toEqual(await model.predict(x));
    await expect(loadTfjsLayersModel(join(dir, 'missing'))).rejects.toMatchObject({ code: 'io_error' });
  });

  it('input gradients agree with central finite differences (logits and probabilities)', async () => {
    const model = new TfjsLayersModel(mlp());
    const x = randomInput(3, [4, 5]);
    const target = Int32Array.from([0, 1, 2, 1]);
    for (const output of ['logits', 'probabilities'] as const) {
      const g = await model.inputGradients(x, target, { output });
      const f = output === 'logits' ? (t: Tensor): Promise<Float32Array> => model.logits(t) : (t: Tensor): Promise<Float32Array> => model.predict(t);
      const h = 1e-2;
      for (let r = 0; r < 4; r++) {
        for (let j = 0; j < 5; j++) {
          const up = x.data.slice(r * 5, r * 5 + 5);
          const down = up.slice();
          up[j]! += h;
          down[j]! -= h;
          const [fu, fd] = await Promise.all([f({ data: up, shape: [1, 5] }), f({ data: down, shape: [1, 5] })]);
          const numeric = (fu[target[r]!]! - fd[target[r]!]!) / (2 * h);
          expect(Math.abs(numeric - g[r * 5 + j]!)).toBeLessThan(2e-3 + 1e-2 * Math.abs(numeric));
        }
      }
    }
  });

  it('layer gradients into the last hidden layer equal the output kernel column (closed form)', async () => {
    const tfModel = mlp();
    const model = new TfjsLayersModel(tfModel);
    const x = randomInput(4, [6, 5]);
    const { activation, gradient } = await model.layerGradients(x, 'hidden', 2);
    expect(activation.shape).toEqual([6, 8]);
    const kernel = tfModel.getLayer('out').getWeights()[0]!.arraySync() as number[][];
    for (let r = 0; r < 6; r++) for (let u = 0; u < 8; u++) expect(gradient.data[r * 8 + u]).toBeCloseTo(kernel[u]![2]!, 5);
    const acts = await model.activations(x, ['hidden']);
    const reference = tf.model({ inputs: tfModel.inputs, outputs: tfModel.getLayer('hidden').output as tf.SymbolicTensor }).predict(tf.tensor2d(x.data, [6, 5])) as tf.Tensor;
    expect(acts.hidden!.data).toEqual(Float32Array.from(reference.dataSync()));
    expect(activation.data).toEqual(acts.hidden!.data);
    await expect(model.activations(x, ['nope'])).rejects.toThrow(/no layer "nope"/);
  });

  it('handles a single sigmoid unit as two classes ([1-p, p], logits [0, z])', async () => {
    const model = new TfjsLayersModel(mlp({ sigmoid: true }), { classes: ['no', 'yes'] });
    expect(model.task).toBe('binary');
    const x = randomInput(5, [3, 5]);
    const p = await model.predict(x);
    const z = await model.logits(x);
    for (let r = 0; r < 3; r++) {
      expect(p[2 * r]! + p[2 * r + 1]!).toBeCloseTo(1, 6);
      expect(z[2 * r]!).toBe(0);
      expect(1 / (1 + Math.exp(-z[2 * r + 1]!))).toBeCloseTo(p[2 * r + 1]!, 5);
    }
  });

  it('trains deterministically per seed, honours sample weights, and trains a CNN on wasm', async () => {
    const x = randomInput(6, [200, 5]);
    const y = new Float32Array(200);
    for (let i = 0; i < 200; i++) y[i] = x.data[i * 5]! + x.data[i * 5 + 1]! > 0 ? 1 : x.data[i * 5 + 2]! > 0 ? 2 : 0;
    const base = new TfjsLayersModel(mlp());
    const a = await base.clone({ reinitialize: true, seed: 1 });
    const b = await base.clone({ reinitialize: true, seed: 1 });
    const losses: number[] = [];
    await a.fit(x, y, { epochs: 8, batchSize: 16, seed: 3, learningRate: 0.02, onProgress: (p) => losses.push(p.loss) });
    await b.fit(x, y, { epochs: 8, batchSize: 16, seed: 3, learningRate: 0.02 });
    expect(await a.predict(x)).toEqual(await b.predict(x));
    expect(losses[7]!).toBeLessThan(losses[0]! * 0.7);
    // zero weight on every row not of class 2 → the model learns to answer 2 everywhere
    const weights = y.map((v) => (v === 2 ? 1 : 0));
    const c = await base.clone({ reinitialize: true, seed: 1 });
    await c.fit(x, y, { epochs: 5, batchSize: 16, seed: 3, learningRate: 0.05, sampleWeights: weights });
    const pc = await c.predict(x);
    const pa = await a.predict(x);
    let weighted = 0;
    let unweighted = 0;
    let others = 0;
    for (let r = 0; r < 200; r++) {
      if (y[r] === 2) continue;
      weighted += pc[3 * r + 2]!;
      unweighted += pa[3 * r + 2]!;
      others++;
    }
    expect(weighted / others).toBeGreaterThan(0.5);
    expect(unweighted / others).toBeLessThan(0.25);
    // the cloned original is untouched
    expect(await base.predict(x)).not.toEqual(await a.predict(x));

    const conv = new TfjsLayersModel(cnn());
    const images = randomInput(7, [32, 8, 8, 1]);
    const labels = new Float32Array(32).map((_, i) => (images.data[i * 64 + 27]! > 0 ? 1 : 0));
    await conv.fit(images, labels, { epochs: 2, batchSize: 8, seed: 0 });
    const g = await conv.inputGradients(images, 1);
    expect(g.every(Number.isFinite)).toBe(true);
    const cam = await conv.layerGradients(images, 'conv', 1);
    expect(cam.gradient.shape).toEqual([32, 6, 6, 3]);
  });

  it('samples MC dropout reproducibly per seed', async () => {
    const model = new TfjsLayersModel(mlp({ dropout: true }));
    expect(isStochastic(model)).toBe(true);
    const x = randomInput(8, [10, 5]);
    const s1 = await model.sample!(x, 5, 42);
    const s2 = await model.sample!(x, 5, 42);
    const s3 = await model.sample!(x, 5, 43);
    expect(s1).toHaveLength(5 * 10 * 3);
    expect(s1).toEqual(s2);
    expect(s1).not.toEqual(s3);
    expect(s1.subarray(0, 30)).not.toEqual(s1.subarray(30, 60));
    // dropout is off for plain predictions
    expect(await model.predict(x)).toEqual(await model.predict(x));
  });
});
