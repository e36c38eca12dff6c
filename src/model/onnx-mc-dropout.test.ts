import { describe, expect, it } from 'vitest';
import { values } from '../../test/fixtures/onnx/build-graph.js';
import { buildDynamicGraph } from '../../test/fixtures/models/dropout-mlp.js';
import { Rng } from '../rng.js';
import { isStochastic } from './capabilities.js';
import { loadOnnxModel } from './onnx.js';
import { dropoutMask } from './onnx-mc-dropout.js';

const buildGraph = buildDynamicGraph;

const D = 6, H = 5, K = 3;
const W1 = values(D * H, 1);
const W2 = values(H * K, 2);
const B2 = values(K, 3);

/** x → MatMul W1 → Relu → Dropout(rate) → MatMul W2 + b → Softmax; opset 13 takes the ratio as an input, opset 11 as an attribute. */
function mlpWithDropout(rate: number, opset: 11 | 13, options: { useMask?: boolean } = {}): Uint8Array {
  const dropout = opset >= 12
    ? { op: 'Dropout', inputs: ['h', 'ratio'], outputs: options.useMask ? ['d', 'mask'] : ['d'] }
    : { op: 'Dropout', inputs: ['h'], outputs: ['d'], attrs: { ratio: { f: rate } } };
  return buildGraph({
    opset,
    inputs: { x: [2, D] },
    inits: { W1: { dims: [D, H], values: W1 }, W2: { dims: [H, K], values: W2 }, b: { dims: [K], values: B2 }, ...(opset >= 12 ? { ratio: { dims: [], values: [rate] } } : {}) },
    nodes: [
      { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['a'] },
      { op: 'Relu', inputs: ['a'], outputs: ['h'] },
      dropout,
      { op: 'MatMul', inputs: ['d', 'W2'], outputs: ['z0'] },
      { op: 'Add', inputs: ['z0', 'b'], outputs: ['z'] },
      { op: 'Softmax', inputs: ['z'], outputs: ['p'], attrs: { axis: 1 } },
      ...(options.useMask ? [{ op: 'Cast', inputs: ['mask'], outputs: ['maskf'], attrs: { to: 1 } }, { op: 'Add', inputs: ['p', 'zero'], outputs: ['out'] }] : []),
    ],
    outputs: ['p'],
  });
}

/** The graph with batch dimension 'N' instead of 2 (buildGraph fixes static shapes). */
async function load(bytes: Uint8Array, batchSize?: number): ReturnType<typeof loadOnnxModel> {
  return loadOnnxModel(bytes, { classes: ['a', 'b', 'c'], ...(batchSize ? { batchSize } : {}) });
}

const X = Float32Array.from(values(2 * D, 9, 0, 2));
const input = { data: X, shape: [2, D] };

/** softmax((relu(x W1) ⊙ mask) W2 + b) in float64, with the mask drawn as the adapter draws it. */
function expectedPass(mask: Float32Array, row: number): number[] {
  const h = Array.from({ length: H }, (_, j) => Math.max(0, W1.reduce((acc, _w, k) => (k % H === j ? acc + X[row * D + Math.floor(k / H)]! * Math.fround(W1[k]!) : acc), 0)));
  const z = Array.from({ length: K }, (_, c) => Math.fround(B2[c]!) + h.reduce((acc, v, j) => acc + v * mask[row * H + j]! * Math.fround(W2[j * K + c]!), 0));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('ONNX MC dropout', () => {
  it('offers sample() only for graphs with Dropout, with rate 0 equal to predict byte for byte', async () => {
    for (const opset of [11, 13] as const) {
      const model = await load(mlpWithDropout(0, opset));
      expect(isStochastic(model)).toBe(true);
      const p = await model.predict(input);
      const s = await model.sample!(input, 3, 7);
      for (let t = 0; t < 3; t++) expect(Buffer.from(s.buffer, t * p.byteLength, p.byteLength)).toEqual(Buffer.from(p.buffer));
      await model.dispose();
    }
  });

  it('draws masks from the seed: the same seed gives the same bytes at any batch size, and each pass matches a direct computation', async () => {
    const rate = 0.4;
    const big = await load(mlpWithDropout(rate, 13));
    const small = await load(mlpWithDropout(rate, 13), 1);
    const a = await big.sample!(input, 4, 11);
    const b = await small.sample!(input, 4, 11);
    const c = await big.sample!(input, 4, 12);
    expect(Buffer.from(a.buffer)).toEqual(Buffer.from(b.buffer));
    expect(Buffer.from(a.buffer)).not.toEqual(Buffer.from(c.buffer));
    const root = new Rng(11);
    for (let t = 0; t < 4; t++) {
      const mask = dropoutMask(2 * H, rate, root.fork());
      for (let row = 0; row < 2; row++) {
        const expected = expectedPass(mask, row);
        for (let k = 0; k < K; k++) expect(a[t * 2 * K + row * K + k]).toBeCloseTo(expected[k]!, 5);
      }
    }
    await Promise.all([big.dispose(), small.dispose()]);
  });

  it('reads the ratio attribute of opset-11 Dropout the same way', async () => {
    const m11 = await load(mlpWithDropout(0.3, 11));
    const m13 = await load(mlpWithDropout(0.3, 13));
    const a = await m11.sample!(input, 3, 5);
    const b = await m13.sample!(input, 3, 5);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 6);
    await Promise.all([m11.dispose(), m13.dispose()]);
  });

  it('keeps a graph whose Dropout mask is consumed deterministic and says why', async () => {
    const bytes = buildGraph({
      opset: 13,
      inputs: { x: [2, D] },
      inits: { ratio: { dims: [], values: [0.5] } },
      nodes: [
        { op: 'Dropout', inputs: ['x', 'ratio'], outputs: ['d', 'mask'] },
        { op: 'Cast', inputs: ['mask'], outputs: ['m'], attrs: { to: 1 } },
        { op: 'Add', inputs: ['d', 'm'], outputs: ['s'] },
        { op: 'Softmax', inputs: ['s'], outputs: ['p'], attrs: { axis: 1 } },
      ],
      outputs: ['p'],
    });
    const model = await loadOnnxModel(bytes, { classes: ['0', '1', '2', '3', '4', '5'] });
    expect(isStochastic(model)).toBe(false);
    expect((model as { mcDropoutNote?: string }).mcDropoutNote).toMatch(/mask output of Dropout node .* is used/);
    await model.dispose();
  });
});

describe('dropoutMask', () => {
  it('keeps units with probability 1 − p, scaled by 1/(1 − p), so the mask mean is ≈ 1', () => {
    const n = 200_000;
    for (const rate of [0.1, 0.25, 0.5]) {
      const mask = dropoutMask(n, rate, new Rng(3));
      let kept = 0;
      let sum = 0;
      let other = 0;
      const scale = Math.fround(1 / (1 - rate));
      for (const v of mask) {
        if (v !== 0 && v !== scale) other++;
        if (v !== 0) kept++;
        sum += v;
      }
      expect(other).toBe(0);
      const sd = Math.sqrt(n * rate * (1 - rate));
      expect(Math.abs(kept - n * (1 - rate))).toBeLessThan(5 * sd);
      expect(Math.abs(sum / n - 1)).toBeLessThan((5 * sd) / n / (1 - rate));
    }
    expect(Array.from(dropoutMask(5, 0, new Rng(1)))).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('MC dropout through the ONNX gradient adapter', () => {
  it('samples the same bytes as the plain adapter, and a copy with replaced weights does not sample', async () => {
    const { loadOnnxGradModel } = await import('./onnx-grad/load.js');
    const { denseHeadOf } = await import('../uncertainty/laplace/dense-head-of.js');
    const bytes = mlpWithDropout(0.4, 13);
    const grad = await loadOnnxGradModel(bytes, { classes: ['a', 'b', 'c'] });
    const plain = await load(bytes);
    expect(isStochastic(grad)).toBe(true);
    const a = await grad.sample!(input, 3, 21);
    const b = await plain.sample!(input, 3, 21);
    expect(Buffer.from(a.buffer)).toEqual(Buffer.from(b.buffer));
    expect(isStochastic(grad.withWeights(new Map()))).toBe(false);
    const head = await denseHeadOf(grad);
    expect('head' in head && head.head.featureName).toBe('d');
    await Promise.all([grad.dispose(), plain.dispose()]);
  });
});
