import { beforeAll, describe, expect, it } from 'vitest';
import { fnModel } from '../../model/fn.js';
import { initTf, tf } from '../../model/tfjs/backend.js';
import { reinitializeWeights } from '../../model/tfjs/init.js';
import { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import { Rng } from '../../rng.js';
import { ensembleSamples } from '../ensemble/ensemble-samples.js';
import { predictiveSummaries } from '../predictive/summaries.js';
import { mcDropoutSamples, mcDropoutUnavailable } from './mc-dropout-samples.js';

function mlp(rate: number): TfjsLayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [5], units: 16, activation: 'relu', name: 'hidden' }));
  model.add(tf.layers.dropout({ rate, name: 'drop' }));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', name: 'out' }));
  reinitializeWeights(model, 4);
  return new TfjsLayersModel(model);
}

function input(n: number, seed = 1): { data: Float32Array; shape: number[] } {
  const rng = new Rng(seed);
  return { data: Float32Array.from({ length: n * 5 }, () => rng.normal()), shape: [n, 5] };
}

beforeAll(async () => {
  await initTf('cpu');
});

describe('mcDropoutSamples (TF.js)', () => {
  it('with rate 0 every pass equals the deterministic model byte for byte', async () => {
    const model = mlp(0);
    const x = input(12);
    const p = await model.predict(x);
    const s = await mcDropoutSamples(model, x, { passes: 4, seed: 3 });
    for (let t = 0; t < 4; t++) expect(Buffer.from(s.data.buffer, t * p.byteLength, p.byteLength)).toEqual(Buffer.from(p.buffer));
    expect(predictiveSummaries(s).mutualInformation.every((v) => v === 0)).toBe(true);
  });

  it('is reproducible per seed, reports each pass, and stops when cancelled', async () => {
    const model = mlp(0.5);
    const x = input(8);
    const seen: number[] = [];
    const a = await mcDropoutSamples(model, x, { passes: 5, seed: 9, onProgress: (done) => seen.push(done) });
    const b = await mcDropoutSamples(model, x, { passes: 5, seed: 9 });
    const c = await mcDropoutSamples(model, x, { passes: 5, seed: 10 });
    expect(Buffer.from(a.data.buffer)).toEqual(Buffer.from(b.data.buffer));
    expect(Buffer.from(a.data.buffer)).not.toEqual(Buffer.from(c.data.buffer));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const controller = new AbortController();
    const run = mcDropoutSamples(model, x, { passes: 50, seed: 1, onProgress: (done) => done === 2 && controller.abort(), signal: controller.signal });
    await expect(run).rejects.toThrow(/cancelled/);
    const s = predictiveSummaries(a);
    expect(s.mutualInformation.some((v) => v > 0)).toBe(true);
  });

  it('sees an abort fired from an event (as Ctrl-C is) between passes of a synchronous engine', async () => {
    const controller = new AbortController();
    let passes = 0;
    setImmediate(() => controller.abort());
    const run = mcDropoutSamples(mlp(0.5), input(4), { passes: 1000, seed: 1, signal: controller.signal, onProgress: (done) => (passes = done) });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(passes).toBeLessThan(1000);
  });

  it('keeps a fraction 1 − p of the units, scaled so the mean activation is unchanged', async () => {
    // ones(400) → dropout(p) → dense(1, kernel 1/400, linear): each pass outputs the mask mean
    const width = 400;
    for (const rate of [0.25, 0.5]) {
      const net = tf.sequential();
      net.add(tf.layers.dropout({ inputShape: [width], rate }));
      net.add(tf.layers.dense({ units: 1, useBias: false, kernelInitializer: tf.initializers.constant({ value: 1 / width }) }));
      const model = new TfjsLayersModel(net);
      const passes = 200;
      const out = await model.sample!({ data: new Float32Array(width).fill(1), shape: [1, width] }, passes, 5);
      const kept = Array.from(out).reduce((a, v) => a + v * (1 - rate) * width, 0);
      const total = passes * width;
      const sd = Math.sqrt(total * rate * (1 - rate));
      expect(Math.abs(kept - total * (1 - rate))).toBeLessThan(5 * sd);
      const mean = Array.from(out).reduce((a, b) => a + b, 0) / passes;
      expect(Math.abs(mean - 1)).toBeLessThan((5 * sd) / total / (1 - rate));
    }
  });

  it('says why a model without dropout cannot be sampled', async () => {
    const model = fnModel({ predict: (x, n) => new Float32Array(n * 2).fill(0.5), task: 'binary', classes: ['0', '1'], inputWidth: 5 });
    expect(mcDropoutUnavailable(model)).toMatch(/no dropout/);
    await expect(mcDropoutSamples(model, input(2))).rejects.toThrow(/MC dropout is not available/);
  });
});

describe('ensembleSamples', () => {
  it('stacks members as samples: identical members give MI 0, disagreeing members MI > 0', async () => {
    const a = fnModel({ predict: (x, n) => Float32Array.from({ length: n * 2 }, (_, k) => (k % 2 === 0 ? 0.8 : 0.2)), task: 'binary', classes: ['0', '1'], inputWidth: 5 });
    const b = fnModel({ predict: (x, n) => Float32Array.from({ length: n * 2 }, (_, k) => (k % 2 === 0 ? 0.2 : 0.8)), task: 'binary', classes: ['0', '1'], inputWidth: 5 });
    const same = predictiveSummaries(await ensembleSamples([a, a], input(3)));
    expect(Array.from(same.mutualInformation)).toEqual([0, 0, 0]);
    const split = predictiveSummaries(await ensembleSamples([a, b], input(3)));
    const h = (p: number): number => -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    expect(split.mutualInformation[0]).toBeCloseTo(Math.log(2) - h(0.8), 6);
  });

  it('refuses members with different classes or inputs, naming them', async () => {
    const a = fnModel({ predict: (x, n) => new Float32Array(n * 2).fill(0.5), task: 'binary', classes: ['no', 'yes'], inputWidth: 5 });
    const b = fnModel({ predict: (x, n) => new Float32Array(n * 2).fill(0.5), task: 'binary', classes: ['yes', 'no'], inputWidth: 5 });
    const c = fnModel({ predict: (x, n) => new Float32Array(n * 2).fill(0.5), task: 'binary', classes: ['no', 'yes'], inputWidth: 4 });
    await expect(ensembleSamples([a, b], input(1), { names: ['a.onnx', 'b.onnx'] })).rejects.toThrow(/b\.onnx has classes \[yes, no\], but a\.onnx has \[no, yes\]/);
    await expect(ensembleSamples([a, c], input(1), { names: ['a.onnx', 'c.onnx'] })).rejects.toThrow(/c\.onnx takes inputs of shape \[4\]/);
    await expect(ensembleSamples([a], input(1))).rejects.toThrow(/at least two models/);
  });
});
