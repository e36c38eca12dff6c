import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import type { Tensor } from '../model/tensor.js';
import { loadOnnxModel } from '../model/onnx.js';
import { TrainableOnnxModel } from '../train/onnx-trainable.js';
import { mlpOnnx, randomMlp } from '../../test/support/tiny-nets.js';
import onnxProto from 'onnx-proto';
import { smallCnnOnnx } from '../model/onnx-grad/small-cnn.js';
import { channelPrune } from './channel-prune.js';
import { compressModel, filterBiases } from './compress-model.js';
import { magnitudePrune } from './magnitude-prune.js';
import { quantizeWeights } from './quantize.js';
import { compressPopulation } from './population.js';

function tensor(rng: Rng, shape: number[], scale = 1): Tensor {
  return { data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape };
}

const zeros = (a: Float32Array): number => a.reduce((s, v) => s + (v === 0 ? 1 : 0), 0);

describe('magnitude pruning', () => {
  const rng = new Rng(1);
  const weights = new Map([['a', tensor(rng, [10, 7])], ['b', tensor(rng, [3, 3, 2, 5], 0.2)], ['bias', tensor(rng, [5])]]);

  it('global: exactly round(s·n) weights, the smallest |w| over all tensors, set to +0', () => {
    for (const s of [0, 0.3, 0.9, 0.95]) {
      const r = magnitudePrune(weights, { sparsity: s });
      expect([...r.weights.keys()]).toEqual(['a', 'b']); // rank-1 bias left alone
      const total = 70 + 90;
      const pruned = zeros(r.weights.get('a')!.data) + zeros(r.weights.get('b')!.data);
      expect(pruned).toBe(Math.round(s * total));
      expect(r.sparsity).toBeCloseTo(Math.round(s * total) / total, 12);
      // every pruned |w| ≤ every kept |w|
      const kept: number[] = [];
      const gone: number[] = [];
      for (const name of ['a', 'b']) weights.get(name)!.data.forEach((v, i) => (r.masks.get(name)![i] ? kept : gone).push(Math.abs(v)));
      if (gone.length > 0 && kept.length > 0) expect(Math.max(...gone)).toBeLessThanOrEqual(Math.min(...kept));
      for (const t of r.weights.values()) t.data.forEach((v) => expect(Object.is(v, -0)).toBe(false));
    }
    // the smaller-scale tensor b loses more than a under one global threshold
    const g = magnitudePrune(weights, { sparsity: 0.5 });
    expect(g.perWeight.b!).toBeGreaterThan(g.perWeight.a!);
  });

  it('layer-wise: the same fraction in each tensor; refuses sparsity outside [0, 1)', () => {
    const r = magnitudePrune(weights, { sparsity: 0.9, scope: 'layer' });
    expect(zeros(r.weights.get('a')!.data)).toBe(63);
    expect(zeros(r.weights.get('b')!.data)).toBe(81);
    expect(() => magnitudePrune(weights, { sparsity: 1 })).toThrow(/sparsity must be in \[0, 1\)/);
    expect(() => magnitudePrune(weights, { sparsity: 0.5, parameters: ['nope'] })).toThrow(/no weight named 'nope'/);
  });
});

describe('structured channel pruning', () => {
  it('zeroes whole filters of smallest L1 norm and their bias (TF.js [kh, kw, in, out] and ONNX [out, in, kh, kw])', () => {
    const rng = new Rng(2);
    const kernel = tensor(rng, [3, 3, 2, 8]);
    // make filters 5 and 1 the weakest
    kernel.data.forEach((_, i) => {
      if (i % 8 === 5) kernel.data[i]! *= 0.01;
      if (i % 8 === 1) kernel.data[i]! *= 0.1;
    });
    const weights = new Map([['conv/kernel', kernel], ['conv/bias', tensor(rng, [8])]]);
    const r = channelPrune(weights, { sparsity: 0.25, channelAxis: 'last', biases: new Map([['conv/kernel', 'conv/bias']]) });
    const out = r.weights.get('conv/kernel')!.data;
    out.forEach((v, i) => expect(v === 0).toBe(i % 8 === 5 || i % 8 === 1));
    expect(Array.from(r.weights.get('conv/bias')!.data, (v, c) => (v === 0 ? c : -1)).filter((c) => c >= 0)).toEqual([1, 5]);
    // the same filters laid out [out, in, kh, kw]
    const onnx = new Float32Array(kernel.data.length);
    kernel.data.forEach((v, i) => {
      const o = i % 8;
      const rest = Math.floor(i / 8); // (kh, kw, in) flat
      const c = rest % 2;
      const hw = Math.floor(rest / 2);
      onnx[((o * 2 + c) * 9) + hw] = v;
    });
    const first = channelPrune(new Map([['w', { data: onnx, shape: [8, 2, 3, 3] }]]), { sparsity: 0.25, channelAxis: 'first' });
    first.weights.get('w')!.data.forEach((v, i) => expect(v === 0).toBe([1, 5].includes(Math.floor(i / 18))));
  });

  it('finds the bias beside each filter bank under Keras and PyTorch-export names, and nothing else', () => {
    const rng = new Rng(9);
    const names = ['conv/kernel', 'conv/bias', 'conv1.weight', 'conv1.bias', 'weight', 'bias', 'fc.weight', 'norm.weight_scale'];
    const map = filterBiases(new Map(names.map((n) => [n, tensor(rng, [2])])));
    expect([...map]).toEqual([['conv/kernel', 'conv/bias'], ['conv1.weight', 'conv1.bias'], ['weight', 'bias']]);
  });
});

/**
 * The small CNN with initializers that no naming rule pairs (W_0, B_1), or with the convolution's bias
 * split into an Add after a bias-less Conv (shape [1, F, 1, 1]), as some converters write it.
 */
function oddlyNamedCnn(rng: Rng, splitBias: boolean): Uint8Array {
  const filters = 6;
  const bytes = smallCnnOnnx({ channels: 1, height: 6, width: 6, filters, classes: 3, convW: Float32Array.from({ length: filters * 9 }, (_, i) => rng.normal() * (1 + (i % filters))), convB: Float32Array.from({ length: filters }, () => 0.5 + rng.next()), denseW: Float32Array.from({ length: filters * 9 * 3 }, () => rng.normal()), denseB: new Float32Array(3) });
  const { onnx } = onnxProto;
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph!;
  const rename: Record<string, string> = { 'conv.weight': 'W_0', 'conv.bias': 'B_1' };
  for (const init of graph.initializer!) init.name = rename[init.name!] ?? init.name!;
  for (const node of graph.node!) node.input = node.input!.map((n) => rename[n] ?? n);
  if (splitBias) {
    graph.initializer!.find((t) => t.name === 'B_1')!.dims = [1, filters, 1, 1];
    const conv = graph.node!.find((n) => n.opType === 'Conv')!;
    conv.input = conv.input!.slice(0, 2);
    conv.output = ['conv_raw'];
    graph.node!.splice(1, 0, onnx.NodeProto.create({ opType: 'Add', name: 'bias_add', input: ['conv_raw', 'B_1'], output: ['conv'] }));
  }
  return onnx.ModelProto.encode(model).finish();
}

describe('channel pruning of ONNX files finds each filter bank\'s bias in the graph, not by name', () => {
  it.each([false, true])('Conv with its bias as an input (renamed) or split into an Add (%s): the pruned filters\' biases are 0', async (splitBias) => {
    const model = await TrainableOnnxModel.load(oddlyNamedCnn(new Rng(4), splitBias));
    expect([...model.filterBiases()]).toEqual([['W_0', 'B_1']]);
    const pruned = await compressModel(model, { method: 'prune-channels', sparsity: 0.5 });
    const w = pruned.model.getWeights();
    const kernel = w.get('W_0')!.data;
    const bias = w.get('B_1')!.data;
    const off = Array.from({ length: 6 }, (_, f) => kernel.slice(f * 9, f * 9 + 9).every((v) => v === 0));
    expect(off.filter(Boolean)).toHaveLength(3);
    off.forEach((isOff, f) => expect(bias[f] === 0).toBe(isOff));
    expect(filterBiases(model.getWeights()).has('W_0')).toBe(false);
  });
});

describe('int8 quantization simulated in float', () => {
  const rng = new Rng(3);
  // channels of very different magnitude: where one scale per tensor wastes levels
  const w = tensor(rng, [16, 6]);
  w.data.forEach((_, i) => (w.data[i]! *= 10 ** ((i % 6) - 3)));
  const weights = new Map([['w', w]]);

  it('per-tensor and per-channel: |w − ŵ| ≤ scale/2, values on the grid q·scale with |q| ≤ 127', () => {
    for (const granularity of ['per-tensor', 'per-channel'] as const) {
      const r = quantizeWeights(weights, { bits: 8, granularity, channelAxis: 'last' });
      const q = r.quantized[0]!;
      expect(q.scales).toHaveLength(granularity === 'per-tensor' ? 1 : 6);
      const out = r.weights.get('w')!.data;
      out.forEach((v, i) => {
        const s = q.scales[granularity === 'per-tensor' ? 0 : i % 6]!;
        expect(Math.abs(v - w.data[i]!)).toBeLessThanOrEqual(s / 2 + 1e-7 * Math.abs(w.data[i]!));
        const level = v / s;
        expect(Math.abs(level - Math.round(level))).toBeLessThan(1e-3);
        expect(Math.abs(Math.round(level))).toBeLessThanOrEqual(127);
      });
    }
  });

  it('per-channel beats per-tensor error, more bits beat fewer, and zeros stay +0', () => {
    const tensorWise = quantizeWeights(weights, { bits: 8 }).quantized[0]!;
    const channelWise = quantizeWeights(weights, { bits: 8, granularity: 'per-channel', channelAxis: 'last' }).quantized[0]!;
    expect(channelWise.rmse).toBeLessThan(tensorWise.rmse);
    expect(channelWise.maxError).toBeLessThanOrEqual(tensorWise.maxError);
    // channel by channel: never worse, and far better on the small channels that one scale rounds to 0
    const perTensorOut = quantizeWeights(weights, { bits: 8 }).weights.get('w')!.data;
    const perChannelOut = quantizeWeights(weights, { bits: 8, granularity: 'per-channel', channelAxis: 'last' }).weights.get('w')!.data;
    for (let c = 0; c < 6; c++) {
      let et = 0;
      let ec = 0;
      for (let i = c; i < 96; i += 6) {
        et += (perTensorOut[i]! - w.data[i]!) ** 2;
        ec += (perChannelOut[i]! - w.data[i]!) ** 2;
      }
      expect(ec).toBeLessThanOrEqual(et + 1e-18);
      if (c < 3) expect(ec).toBeLessThan(et / 100);
    }
    expect(quantizeWeights(weights, { bits: 4 }).quantized[0]!.rmse).toBeGreaterThan(tensorWise.rmse);
    const withZeros = new Map([['w', { data: Float32Array.of(0, 1e-6, -0.5, 1), shape: [2, 2] }]]);
    const out = quantizeWeights(withZeros).weights.get('w')!.data;
    expect(Object.is(out[0], 0) && Object.is(out[1], 0)).toBe(true);
    expect(() => quantizeWeights(weights, { granularity: 'per-channel' })).toThrow(/output channel axis/);
    expect(() => quantizeWeights(weights, { bits: 1 })).toThrow(/bits must be/);
  });
});

describe('compressing an ONNX model', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-compress-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const bytes = mlpOnnx(randomMlp(4, 6, 20, 3), 'softmax');
  const rng = new Rng(5);
  const x: Tensor = { data: Float32Array.from({ length: 50 * 6 }, () => rng.normal()), shape: [50, 6] };

  it('prunes to exactly the requested sparsity; the written file has the zeros and runs in onnxruntime with the same outputs', async () => {
    const model = await TrainableOnnxModel.load(bytes);
    const { model: pruned, summary } = await compressModel(model, { method: 'prune', sparsity: 0.9 });
    expect(summary.parameters).toEqual(['w1', 'w2']);
    expect(summary.sparsity).toBe(Math.round(0.9 * 180) / 180);
    const path = join(dir, 'pruned.onnx');
    await pruned.save(path);
    const reread = await TrainableOnnxModel.load(path);
    const w = reread.getWeights();
    expect(zeros(w.get('w1')!.data) + zeros(w.get('w2')!.data)).toBe(Math.round(0.9 * 180));
    expect(w.get('b1')!.data).toEqual(model.getWeights().get('b1')!.data);
    const ort = await loadOnnxModel(path);
    const a = await ort.predict(x);
    const b = await pruned.predict(x);
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
    // the original is untouched, and the same spec writes the same bytes
    expect(zeros(model.getWeights().get('w1')!.data)).toBe(0);
    const again = await compressModel(model, { method: 'prune', sparsity: 0.9 });
    await again.model.save(join(dir, 'again.onnx'));
    expect(Buffer.compare(await readFile(path), await readFile(join(dir, 'again.onnx')))).toBe(0);
    await ort.dispose?.();
  });

  it('quantizes the initializers to int8 levels in the written file', async () => {
    const model = await TrainableOnnxModel.load(bytes);
    const { model: q, summary } = await compressModel(model, { method: 'quantize', bits: 8, granularity: 'per-channel' });
    expect(summary.channelAxis).toBe('first');
    const path = join(dir, 'q.onnx');
    await q.save(path);
    const w1 = (await TrainableOnnxModel.load(path)).getWeights().get('w1')!;
    const scales = summary.quantized![0]!.scales;
    w1.data.forEach((v, i) => {
      const level = v / scales[Math.floor(i / 20)]!;
      expect(Math.abs(level - Math.round(level))).toBeLessThan(1e-3);
    });
    const ort = await loadOnnxModel(path);
    const p = await ort.predict(x);
    const base = await model.predict(x);
    let agree = 0;
    for (let r = 0; r < 50; r++) {
      const arg = (v: Float32Array): number => [0, 1, 2].reduce((b, c) => (v[r * 3 + c]! > v[r * 3 + b]! ? c : b), 0);
      if (arg(p) === arg(base)) agree++;
    }
    expect(agree).toBeGreaterThanOrEqual(48);
    await ort.dispose?.();
  });

  it('prune then fine-tune keeps the pruned weights at exactly 0 and recovers loss', async () => {
    const model = await TrainableOnnxModel.load(bytes);
    const labels = await model.predict(x).then((p) => Float32Array.from({ length: 50 }, (_, r) => [0, 1, 2].reduce((b, c) => (p[r * 3 + c]! > p[r * 3 + b]! ? c : b), 0)));
    const [tuned] = await compressPopulation([model], { method: 'prune', sparsity: 0.8 }, { fineTune: { data: { x, y: labels }, epochs: 3, batchSize: 10, learningRate: 1e-2 } });
    const w = tuned!.model.getWeights();
    for (const name of ['w1', 'w2']) {
      const mask = tuned!.masks!.get(name)!;
      w.get(name)!.data.forEach((v, i) => {
        if (mask[i] === 0) expect(Object.is(v, 0)).toBe(true);
      });
    }
    expect(zeros(w.get('w1')!.data) + zeros(w.get('w2')!.data)).toBeGreaterThanOrEqual(Math.round(0.8 * 180));
  });
});
