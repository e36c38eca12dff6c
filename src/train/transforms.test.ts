import { beforeAll, describe, expect, it } from 'vitest';
import { mlpOnnx, randomMlp } from '../../test/support/tiny-nets.js';
import { Rng } from '../rng.js';
import { initTf, tf } from '../model/tfjs/backend.js';
import { reinitializeWeights } from '../model/tfjs/init.js';
import { TfjsLayersModel } from '../model/tfjs/layers-model.js';
import { fit } from './fit.js';
import { composeLoss, crossEntropy } from './losses.js';
import { loadTrainableOnnx } from './onnx-trainable.js';
import { mixIn } from './transforms.js';
import type { HostBatch, TrainingData, TransformContext } from './types.js';

function rows(seed: number, n: number, group: number): TrainingData {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 4);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  return { x: { data: x, shape: [n, 4] }, y: Float32Array.from({ length: n }, (_, i) => (x[i * 4]! > 0 ? 1 : 0)), meta: { group: new Int32Array(n).fill(group) } };
}

function tfjsModel(seed: number): TfjsLayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [4], units: 5, activation: 'tanh', name: 'h' }));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }));
  reinitializeWeights(model, seed);
  return new TfjsLayersModel(model);
}

const ce = composeLoss(crossEntropy());

describe('batch transforms', () => {
  beforeAll(async () => {
    await initTf('wasm');
  });

  it('context.lossGradients equals the model’s own loss gradients before the first step', async () => {
    const model = tfjsModel(1);
    const data = rows(2, 16, 0);
    const expected = await model.lossGradients(data.x, Int32Array.from(data.y));
    let first: { gradient: Float32Array; loss: Float32Array } | undefined;
    let batchRows: Int32Array | undefined;
    await fit(model, data, ce, {
      epochs: 1,
      batchSize: 16,
      transform: (batch, context) => {
        if (!first) {
          first = context.lossGradients(batch.x, batch.shape, batch.y);
          batchRows = batch.rows;
        }
        return batch;
      },
    });
    batchRows!.forEach((row, r) => {
      expect(first!.loss[r]!).toBeCloseTo(expected.loss[row]!, 5);
      for (let j = 0; j < 4; j++) expect(first!.gradient[r * 4 + j]!).toBeCloseTo(expected.gradient[row * 4 + j]!, 5);
    });
  });

  it('an FGSM step built on context.lossGradients raises the loss under the weights being trained (ONNX, uncommitted)', async () => {
    const model = await loadTrainableOnnx(mlpOnnx(randomMlp(3, 4, 6, 2), 'softmax'));
    const data = rows(4, 48, 0);
    const rises: number[] = [];
    const fgsm = (batch: HostBatch, context: TransformContext): HostBatch => {
      const { gradient, loss } = context.lossGradients(batch.x, batch.shape, batch.y);
      const adv = batch.x.map((v, i) => v + 0.3 * Math.sign(gradient[i]!));
      const after = context.lossGradients(adv, batch.shape, batch.y).loss;
      rises.push(after.reduce((s, v) => s + v, 0) - loss.reduce((s, v) => s + v, 0));
      return { ...batch, x: adv };
    };
    await fit(model, data, ce, { epochs: 2, batchSize: 16, seed: 1, optimizer: { kind: 'sgd', learningRate: 0.2 }, transform: fgsm });
    expect(rises).toHaveLength(6);
    for (const r of rises) expect(r).toBeGreaterThan(0);
  });

  it('mixIn appends seeded extra rows with their weight, row id −1 and metadata', async () => {
    const data = rows(5, 20, 0);
    const extra = { ...rows(6, 7, 1), sampleWeights: new Float32Array(7).fill(2) };
    const seen: HostBatch[] = [];
    const mix = mixIn(extra, { rowsPerBatch: 3, weight: 5 });
    const record = (batch: HostBatch, context: TransformContext): HostBatch => {
      const out = mix(batch, context) as HostBatch;
      seen.push(out);
      return out;
    };
    const run = async (): Promise<Float32Array> => {
      const model = tfjsModel(7);
      await fit(model, data, ce, { epochs: 1, batchSize: 8, seed: 3, transform: record });
      return model.predict(data.x);
    };
    const p1 = await run();
    expect(seen.map((b) => b.y.length)).toEqual([11, 11, 7]);
    const b = seen[0]!;
    expect(Array.from(b.rows.subarray(8))).toEqual([-1, -1, -1]);
    expect(Array.from(b.weights.subarray(8))).toEqual([10, 10, 10]);
    expect(Array.from(b.meta.group!)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    const firstAdded = Array.from(b.x.subarray(32, 36));
    const source = Array.from({ length: 7 }, (_, i) => Array.from(extra.x.data.subarray(i * 4, i * 4 + 4)));
    expect(source.some((r) => r.every((v, j) => v === firstAdded[j]))).toBe(true);
    seen.length = 0;
    expect(await run()).toEqual(p1);
    expect(() => mixIn(extra, { weight: -1 })).toThrow(/weight/);
  });
});
