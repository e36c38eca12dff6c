import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { initTf, tf } from '../../model/tfjs/backend.js';
import { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import type { Tensor } from '../../model/tensor.js';
import { vogErrorConcentration } from './error-concentration.js';
import { varianceOfGradients } from './vog.js';

const D = 6;
const K = 4;
const CLASSES = 3;

/** K linear softmax classifiers z = xW + b with seeded weights: TF.js layers models, one per checkpoint. */
async function linearCheckpoints(): Promise<{ models: TfjsLayersModel[]; kernels: Float32Array[] }> {
  const rng = new Rng(3);
  const models: TfjsLayersModel[] = [];
  const kernels: Float32Array[] = [];
  for (let t = 0; t < K; t++) {
    const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [D], units: CLASSES, activation: 'softmax', name: 'out' })] });
    const model = new TfjsLayersModel(net, { classes: ['a', 'b', 'c'] });
    const kernel = Float32Array.from({ length: D * CLASSES }, () => rng.normal());
    await model.setWeights(new Map([['out/kernel', { data: kernel, shape: [D, CLASSES] }], ['out/bias', { data: Float32Array.from({ length: CLASSES }, () => rng.normal()), shape: [CLASSES] }]]));
    models.push(model);
    kernels.push(kernel);
  }
  return { models, kernels };
}

function inputs(n: number, seed: number): { x: Tensor; labels: Int32Array } {
  const rng = new Rng(seed);
  return { x: { data: Float32Array.from({ length: n * D }, () => rng.normal()), shape: [n, D] }, labels: Int32Array.from({ length: n }, (_, i) => i % CLASSES) };
}

/** Closed form for a linear model: ∂z_y/∂x = column y of the kernel, so VoG_p is the spread of W_t[p, y] over t. */
function linearVog(kernels: Float32Array[], y: number, variance: boolean): number {
  let total = 0;
  for (let p = 0; p < D; p++) {
    const w = kernels.map((k) => k[p * CLASSES + y]!);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const v = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    total += variance ? v : Math.sqrt(v);
  }
  return total / D;
}

describe('varianceOfGradients', () => {
  beforeAll(async () => {
    await initTf('wasm');
  });

  it('equals the spread of the true class weights across checkpoints on linear models (closed form)', async () => {
    const { models, kernels } = await linearCheckpoints();
    const { x, labels } = inputs(12, 1);
    const std = await varianceOfGradients(models, x, labels, { batchSize: 5 });
    const variance = await varianceOfGradients(models, x, labels, { perPixel: 'variance' });
    for (let i = 0; i < 12; i++) {
      expect(std.raw[i]).toBeCloseTo(linearVog(kernels, labels[i]!, false), 5);
      expect(variance.raw[i]).toBeCloseTo(linearVog(kernels, labels[i]!, true), 5);
    }
    // every row of a class has the same raw score on a linear model, so the class std is 0 and the z-score undefined
    expect(std.classStats.every((c) => c.std < 1e-6)).toBe(true);
    expect(std.pixels).toBe(D);
    // predictions come from the last checkpoint
    const p = await models[K - 1]!.predict(x);
    for (let i = 0; i < 12; i++) {
      const row = Array.from(p.subarray(3 * i, 3 * i + 3));
      expect(std.predictions[i]).toBe(row.indexOf(Math.max(...row)));
    }
  });

  it('is 0 when all checkpoints are the same network, and z-scores within each class', async () => {
    const { models } = await linearCheckpoints();
    const { x, labels } = inputs(6, 2);
    const same = await varianceOfGradients([models[0]!, models[0]!], x, labels);
    expect(Math.max(...same.raw)).toBe(0);
    // a non-linear network: the class-normalised scores have mean 0 and population std 1 in each class
    const rng = new Rng(9);
    const nets = [0, 1, 2].map(() => {
      const net = tf.sequential({ layers: [tf.layers.dense({ inputShape: [D], units: 5, activation: 'tanh' }), tf.layers.dense({ units: CLASSES, activation: 'softmax' })] });
      net.setWeights(net.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => rng.normal()), w.shape)));
      return new TfjsLayersModel(net);
    });
    const big = inputs(60, 4);
    const result = await varianceOfGradients(nets, big.x, big.labels);
    for (let c = 0; c < CLASSES; c++) {
      const z = Array.from(result.scores).filter((_, i) => big.labels[i] === c);
      const mean = z.reduce((a, b) => a + b, 0) / z.length;
      expect(mean).toBeCloseTo(0, 10);
      expect(Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length)).toBeCloseTo(1, 10);
      const stats = result.classStats.find((s) => s.label === c)!;
      result.scores.forEach((s, i) => {
        if (big.labels[i] === c) expect(s).toBeCloseTo((result.raw[i]! - stats.mean) / stats.std, 10);
      });
    }
    // the same inputs give the same bytes, and batch size does not matter
    const again = await varianceOfGradients(nets, big.x, big.labels, { batchSize: 7 });
    expect(Buffer.from(again.raw.buffer)).toEqual(Buffer.from(result.raw.buffer));
  });

  it('averages over the channel axis first when asked, as the authors\' ImageNet code does', async () => {
    // two checkpoints of a linear map on [2, 2] rows (2 pixels × 2 channels), channels last
    const rng = new Rng(5);
    const kernels = [0, 1].map(() => Float32Array.from({ length: 4 * 2 }, () => rng.normal()));
    const models = await Promise.all(kernels.map(async (kernel) => {
      const net = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2] }), tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' })] });
      const model = new TfjsLayersModel(net);
      await model.setWeights(new Map([['out/kernel', { data: kernel, shape: [4, 2] }]]));
      return model;
    }));
    const result = await varianceOfGradients(models, { data: new Float32Array(4), shape: [1, 2, 2] }, Int32Array.of(1), { channelAxis: 1 });
    let expected = 0;
    for (let pixel = 0; pixel < 2; pixel++) {
      const g = kernels.map((k) => (k[(2 * pixel) * 2 + 1]! + k[(2 * pixel + 1) * 2 + 1]!) / 2);
      expected += Math.abs(g[0]! - g[1]!) / 2; // population std of two values
    }
    expect(result.pixels).toBe(2);
    expect(result.raw[0]).toBeCloseTo(expected / 2, 5);
  });

  it('refuses one checkpoint, wrong label counts and out-of-range labels', async () => {
    const { models } = await linearCheckpoints();
    const { x, labels } = inputs(4, 1);
    await expect(varianceOfGradients([models[0]!], x, labels)).rejects.toThrow(/at least 2 checkpoints/);
    await expect(varianceOfGradients(models, x, labels.subarray(0, 3))).rejects.toThrow(/3 labels for 4 rows/);
    await expect(varianceOfGradients(models, x, Int32Array.of(0, 1, 7, 0))).rejects.toThrow(/label 7 at row 2/);
  });
});

describe('vogErrorConcentration', () => {
  it('splits the top fraction by score and counts errors on each side', () => {
    // 20 rows, scores 0..19; errors at the two highest scores and one low one
    const scores = Float64Array.from({ length: 20 }, (_, i) => i);
    const labels = new Int32Array(20);
    const predictions = new Int32Array(20);
    predictions[19] = 1;
    predictions[18] = 1;
    predictions[3] = 1;
    const r = vogErrorConcentration(scores, labels, predictions, 0.1);
    expect(r.topN).toBe(2);
    expect(r.topErrorRate).toBe(1);
    expect(r.restErrorRate).toBeCloseTo(1 / 18, 12);
    expect(r.ratio).toBeCloseTo(18, 10);
    expect(r.deciles[9]).toEqual({ decile: 10, n: 2, errorRate: 1 });
    expect(r.deciles[1]).toEqual({ decile: 2, n: 2, errorRate: 0.5 });
    expect(r.topInterval.method).toBe('wilson');
    // NaN scores rank lowest; a rest without errors gives a null ratio
    const clean = vogErrorConcentration([Number.NaN, 1, 2], [0, 0, 0], [0, 0, 1], 1 / 3);
    expect(clean.topErrors).toBe(1);
    expect(clean.ratio).toBeNull();
  });
});
