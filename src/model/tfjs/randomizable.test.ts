import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import type { Tensor } from '../tensor.js';
import { initTf, tf } from './backend.js';
import { reinitializeWeights } from './init.js';
import { TfjsLayersModel } from './layers-model.js';
import { isTfjsLayersLike, randomizableTfjs } from './randomizable.js';

function randomInput(seed: number, shape: number[]): Tensor {
  const rng = new Rng(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { data, shape };
}

function cnn(): TfjsLayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 3, kernelSize: 3, activation: 'relu', name: 'conv' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }));
  model.add(tf.layers.flatten({ name: 'flat' }));
  model.add(tf.layers.dense({ units: 6, activation: 'relu', name: 'hidden' }));
  model.add(tf.layers.dense({ units: 3, name: 'logits' }));
  model.add(tf.layers.activation({ activation: 'softmax', name: 'probs' }));
  reinitializeWeights(model, 5);
  return new TfjsLayersModel(model, { classes: ['a', 'b', 'c'] });
}

function weightsOf(model: TfjsLayersModel, layer: string): Float32Array[] {
  return model.model.getLayer(layer).getWeights().map((w) => Float32Array.from(w.dataSync()));
}

describe('randomizableTfjs', () => {
  beforeAll(async () => {
    await initTf('wasm');
  });

  it('lists the layers with parameters in input-to-output order and is recognised structurally', () => {
    const model = cnn();
    const r = randomizableTfjs(model);
    expect(r.parameterLayers.map((l) => l.name)).toEqual(['conv', 'hidden', 'logits']);
    expect(isTfjsLayersLike(model)).toBe(true);
    expect(isTfjsLayersLike(r)).toBe(false);
  });

  it('randomising a layer changes the outputs, leaves the original untouched, and is deterministic per seed', async () => {
    const model = cnn();
    const x = randomInput(1, [5, 8, 8, 1]);
    const before = await model.predict(x);
    const beforeConv = weightsOf(model, 'conv');
    const r = randomizableTfjs(model);
    const a = r.withRandomizedLayers(['logits'], 7);
    const b = r.withRandomizedLayers(['logits'], 7);
    const c = r.withRandomizedLayers(['logits'], 8);
    const [pa, pb, pc] = await Promise.all([a.predict(x), b.predict(x), c.predict(x)]);
    let change = 0;
    for (let i = 0; i < before.length; i++) change = Math.max(change, Math.abs(pa[i]! - before[i]!));
    expect(change).toBeGreaterThan(1e-3);
    expect(Array.from(pb)).toEqual(Array.from(pa));
    let seedChange = 0;
    for (let i = 0; i < pa.length; i++) seedChange = Math.max(seedChange, Math.abs(pa[i]! - pc[i]!));
    expect(seedChange).toBeGreaterThan(1e-4);
    // The original model and its wrapper still give the trained outputs.
    expect(Array.from(await model.predict(x))).toEqual(Array.from(before));
    expect(Array.from(await r.predict(x))).toEqual(Array.from(before));
    expect(weightsOf(model, 'conv')).toEqual(beforeConv);
    // Layers not randomised keep their trained values: the hidden activations are unchanged.
    const [actOrig, actRand] = await Promise.all([r.activations(x, ['hidden']), a.activations(x, ['hidden'])]);
    expect(Array.from(actRand.hidden!.data)).toEqual(Array.from(actOrig.hidden!.data));
    await Promise.all([a.dispose(), b.dispose(), c.dispose(), r.dispose()]);
    // Disposing the wrapper does not dispose the wrapped model.
    expect(Array.from(await model.predict(x))).toEqual(Array.from(before));
  });

  it('randomised layers are nested across cascading steps and get random biases', async () => {
    const model = cnn();
    const x = randomInput(2, [4, 8, 8, 1]);
    const r = randomizableTfjs(model);
    const one = r.withRandomizedLayers(['logits'], 3);
    const two = r.withRandomizedLayers(['logits', 'hidden'], 3);
    // d logit_t / d hidden is column t of the logits kernel: the same random column in both copies.
    const [gOrig, gOne, gTwo] = await Promise.all([r, one, two].map((m) => m.layerGradients(x, 'hidden', 2, { output: 'logits' })));
    expect(Array.from(gTwo!.gradient.data)).toEqual(Array.from(gOne!.gradient.data));
    let change = 0;
    for (let i = 0; i < gOne!.gradient.data.length; i++) change = Math.max(change, Math.abs(gOne!.gradient.data[i]! - gOrig!.gradient.data[i]!));
    expect(change).toBeGreaterThan(1e-3);
    // With every layer re-drawn, a blank image still reaches the logits through the (non-zero) biases.
    const all = r.withRandomizedLayers(['conv', 'hidden', 'logits'], 3);
    const logits = await all.forward({ data: new Float32Array(64), shape: [1, 8, 8, 1] });
    expect(Math.max(...logits.map(Math.abs))).toBeGreaterThan(1e-3);
    // Re-drawn kernels are not the model's own seeded initialisation (reinitializeWeights(model, 3)).
    const init = await model.clone();
    reinitializeWeights(init.model, 3);
    const gInit = await init.layerGradients(x, 'hidden', 2, { output: 'logits' });
    let fromInit = 0;
    for (let i = 0; i < gInit.gradient.data.length; i++) fromInit = Math.max(fromInit, Math.abs(gInit.gradient.data[i]! - gOne!.gradient.data[i]!));
    expect(fromInit).toBeGreaterThan(1e-3);
    await Promise.all([one.dispose(), two.dispose(), all.dispose(), init.dispose()]);
  });

  it('guided ReLU passes back only positive gradients (closed form on a one-hidden-layer net)', async () => {
    const net = tf.sequential();
    net.add(tf.layers.dense({ inputShape: [4], units: 5, activation: 'relu', name: 'hidden' }));
    net.add(tf.layers.dense({ units: 2, name: 'logits' }));
    net.add(tf.layers.activation({ activation: 'softmax', name: 'probs' }));
    reinitializeWeights(net, 9);
    net.getLayer('hidden').setWeights([net.getLayer('hidden').getWeights()[0]!, tf.tensor1d([0.3, -0.2, 0.1, 0.4, -0.1])]);
    const model = new TfjsLayersModel(net, { classes: ['n', 'p'] });
    const r = randomizableTfjs(model);
    const x = randomInput(3, [6, 4]);
    const [W1, b1] = net.getLayer('hidden').getWeights().map((t) => t.dataSync());
    const [W2] = net.getLayer('logits').getWeights().map((t) => t.dataSync());
    const target = 1;
    const guided = await r.inputGradients(x, target, { relu: 'guided' });
    const plain = await r.inputGradients(x, target);
    let differs = 0;
    for (let row = 0; row < 6; row++) {
      for (let i = 0; i < 4; i++) {
        let g = 0;
        let p = 0;
        for (let j = 0; j < 5; j++) {
          let h = b1![j]!;
          for (let k = 0; k < 4; k++) h += x.data[row * 4 + k]! * W1![k * 5 + j]!;
          if (h <= 0) continue;
          const up = W2![j * 2 + target]!;
          g += W1![i * 5 + j]! * Math.max(0, up);
          p += W1![i * 5 + j]! * up;
        }
        expect(guided[row * 4 + i]).toBeCloseTo(g, 5);
        expect(plain[row * 4 + i]).toBeCloseTo(p, 5);
        differs = Math.max(differs, Math.abs(g - p));
      }
    }
    expect(differs).toBeGreaterThan(1e-3);
    await r.dispose();
  });

  it('frees its copies: no tensors left behind after randomised copies and guided gradients are disposed', async () => {
    const model = cnn();
    const x = randomInput(4, [2, 8, 8, 1]);
    const r = randomizableTfjs(model);
    const before = tf.memory().numTensors;
    for (const layers of [['logits'], ['logits', 'hidden'], ['conv']]) {
      const copy = r.withRandomizedLayers(layers, 1);
      await copy.inputGradients(x, 0, { relu: 'guided' });
      await copy.dispose();
    }
    await r.inputGradients(x, 0, { relu: 'guided' });
    await r.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects unknown layers before any work', () => {
    const r = randomizableTfjs(cnn());
    expect(() => r.withRandomizedLayers(['pool'], 0)).toThrow(/not a layer with parameters/);
  });
});
