import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { initTf, tf } from '../model/tfjs/backend.js';
import { reinitializeWeights } from '../model/tfjs/init.js';
import { TfjsLayersModel } from '../model/tfjs/layers-model.js';
import { parameterGradients } from './gradients.js';
import { composeLoss, crossEntropy } from './losses.js';
import { gaussianMmd, outputL2 } from './penalties.js';
import type { TrainingData } from './types.js';

function binaryModel(seed: number): TfjsLayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [3], units: 4, activation: 'tanh', name: 'h' }));
  model.add(tf.layers.dense({ units: 2, activation: 'softmax', name: 'out' }));
  reinitializeWeights(model, seed);
  return new TfjsLayersModel(model);
}

function data(seed: number, n: number): TrainingData {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 3);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal() * 2;
  const y = Float32Array.from({ length: n }, (_, i) => (x[i * 3]! > 0 ? 1 : 0));
  const group = Int32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  return { x: { data: x, shape: [n, 3] }, y, meta: { group } };
}

/** Biased MMD² with k(s, t) = exp(−(s − t)² / 2σ²), in float64. */
function mmd64(a: number[], b: number[], sigma: number): number {
  const k = (s: number, t: number): number => Math.exp(-((s - t) ** 2) / (2 * sigma * sigma));
  const mean = (u: number[], v: number[]): number => u.reduce((s, x) => s + v.reduce((q, y) => q + k(x, y), 0), 0) / (u.length * v.length);
  return mean(a, a) + mean(b, b) - 2 * mean(a, b);
}

describe('penalties', () => {
  beforeAll(async () => {
    await initTf('wasm');
  });

  it('output L2 and Gaussian MMD equal their closed forms; the loss is task + Σ λ·penalty', async () => {
    const model = binaryModel(1);
    const d = data(2, 30);
    const loss = composeLoss(crossEntropy(), [
      { term: outputL2(), lambda: 0.3 },
      { term: gaussianMmd({ bandwidth: 0.2 }), lambda: 2 },
      { term: gaussianMmd({ bandwidth: 0.2, label: 0, name: 'mmd-negatives' }), lambda: 0 },
    ]);
    const { parts } = await parameterGradients(model, d, loss);
    const z = await model.logits(d.x);
    const p = await model.predict(d.x);
    const l2 = Array.from(z).reduce((s, v) => s + v * v, 0) / 30;
    expect(parts.penalties['output-l2-logits']!).toBeCloseTo(l2, 4);
    const scores = (g: number, label?: number): number[] => d.y.reduce<number[]>((acc, y, i) => (d.meta!.group![i] === g && (label === undefined || y === label) ? [...acc, p[2 * i + 1]!] : acc), []);
    expect(parts.penalties.mmd!).toBeCloseTo(mmd64(scores(0), scores(1), 0.2), 5);
    expect(parts.penalties['mmd-negatives']!).toBeCloseTo(mmd64(scores(0, 0), scores(1, 0), 0.2), 5);
    expect(parts.penalties.mmd!).toBeGreaterThan(1e-3);
    expect(parts.loss).toBeCloseTo(parts.taskLoss + 0.3 * l2 + 2 * parts.penalties.mmd!, 4);
  });

  it('MMD is 0 for groups with the same rows and for a batch missing a group; unknown metadata is refused', async () => {
    const model = binaryModel(3);
    const half = data(4, 10);
    const twice: TrainingData = {
      x: { data: Float32Array.from([...half.x.data, ...half.x.data]), shape: [20, 3] },
      y: Float32Array.from([...half.y, ...half.y]),
      meta: { group: Int32Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1)) },
    };
    const loss = composeLoss(crossEntropy(), [{ term: gaussianMmd(), lambda: 1 }]);
    expect((await parameterGradients(model, twice, loss)).parts.penalties.mmd!).toBeCloseTo(0, 6);
    const oneGroup = { ...half, meta: { group: new Int32Array(10) } };
    expect((await parameterGradients(model, oneGroup, loss)).parts.penalties.mmd).toBe(0);
    await expect(parameterGradients(model, { ...half, meta: {} }, loss)).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
