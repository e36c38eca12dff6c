import { describe, expect, it } from 'vitest';
import { initTf, tf } from '../../model/tfjs/backend.js';
import { reinitializeWeights } from '../../model/tfjs/init.js';
import { certifyRobustness, inputBox } from './certify.js';
import { boundGraphFromTfjs } from './from-tfjs.js';

function network(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [7, 6, 2], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }));
  model.add(tf.layers.conv2d({ filters: 4, kernelSize: 2, strides: 1, name: 'c2' }));
  model.add(tf.layers.batchNormalization({ name: 'bn' }));
  model.add(tf.layers.activation({ activation: 'relu', name: 'r2' }));
  model.add(tf.layers.flatten({ name: 'flat' }));
  model.add(tf.layers.dropout({ rate: 0.5, name: 'drop' }));
  model.add(tf.layers.dense({ units: 5, activation: 'relu', name: 'd1' }));
  model.add(tf.layers.dense({ units: 3, name: 'logits' }));
  reinitializeWeights(model, 3);
  return model;
}

describe('TF.js Sequential models in the bound graph', () => {
  it('at ε = 0 the bounds equal the network’s outputs, and sampled box points stay inside the bounds', async () => {
    await initTf('cpu');
    const model = network();
    // give batch norm non-trivial statistics
    const bn = model.getLayer('bn');
    bn.setWeights([tf.tensor1d([1.3, -0.6, 0.8, 1]), tf.tensor1d([0.1, 0, -0.2, 0.3]), tf.tensor1d([0.05, -0.1, 0, 0.2]), tf.tensor1d([0.7, 1.4, 0.9, 2])]);
    const graph = boundGraphFromTfjs(model, [7, 6, 2]);
    const size = 7 * 6 * 2;
    let s = 7;
    const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 8) / 16777216;
    const x = Float32Array.from({ length: size }, rand);
    const predict = (points: Float32Array, n: number): Float32Array => tf.tidy(() => (model.predict(tf.tensor(points, [n, 7, 6, 2])) as tf.Tensor).dataSync() as Float32Array);
    const exact = predict(x, 1);
    for (const method of ['ibp', 'crown'] as const) {
      const r = await certifyRobustness(graph, { data: x, shape: [1, 7, 6, 2] }, [0], { method, epsilon: 0 });
      for (let k = 0; k < 3; k++) expect(r.lower[k]).toBeCloseTo(exact[k]!, 5);
    }
    const epsilon = 0.05;
    const box = inputBox(x, epsilon, [0, 1]);
    const n = 200;
    const points = new Float32Array(n * size);
    for (let p = 0; p < n; p++) for (let i = 0; i < size; i++) points[p * size + i] = p % 2 ? (rand() < 0.5 ? box.lower[i]! : box.upper[i]!) : box.lower[i]! + rand() * (box.upper[i]! - box.lower[i]!);
    const outputs = predict(points, n);
    for (const method of ['ibp', 'crown'] as const) {
      const r = await certifyRobustness(graph, { data: x, shape: [1, 7, 6, 2] }, [0], { method, epsilon });
      for (let p = 0; p < n; p++) {
        for (let k = 0; k < 3; k++) {
          expect(outputs[p * 3 + k]).toBeGreaterThanOrEqual(r.lower[k]! - 1e-5);
          expect(outputs[p * 3 + k]).toBeLessThanOrEqual(r.upper[k]! + 1e-5);
        }
      }
    }
    model.dispose();
  });

  it('refuses a layer without a bound rule by name', async () => {
    await initTf('cpu');
    const model = tf.sequential();
    model.add(tf.layers.dense({ inputShape: [4], units: 3, activation: 'tanh', name: 'squash' }));
    expect(() => boundGraphFromTfjs(model, [4])).toThrow(/squash.*tanh/);
    model.dispose();
  });
});
