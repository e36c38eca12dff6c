import { beforeAll, describe, expect, it } from 'vitest';
import { values } from '../../test/fixtures/onnx/build-graph.js';
import { buildDynamicGraph } from '../../test/fixtures/models/dropout-mlp.js';
import { Rng } from '../rng.js';
import { denseLogits, type DenseHead } from './dense-head.js';
import { loadOnnxModel } from './onnx.js';
import { onnxDenseHead } from './onnx-dense-head.js';
import { initTf, tf } from './tfjs/backend.js';
import { tfjsDenseHead } from './tfjs/dense-head.js';
import { reinitializeWeights } from './tfjs/init.js';
import { TfjsLayersModel } from './tfjs/layers-model.js';

const dynamicBatch = buildDynamicGraph;

/** Probabilities from the head alone: softmax(φW + b), or [1 − σ, σ] for one unit. */
async function headProbabilities(head: DenseHead, x: { data: Float32Array; shape: number[] }): Promise<number[]> {
  const n = x.shape[0]!;
  const z = denseLogits(head, await head.features(x), n);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from(z.subarray(i * head.outputs, (i + 1) * head.outputs));
    if (head.activation === 'sigmoid') {
      const p = 1 / (1 + Math.exp(-row[0]!));
      out.push(1 - p, p);
    } else {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      out.push(...e.map((v) => v / s));
    }
  }
  return out;
}

const rng = new Rng(2);
const X = { data: Float32Array.from({ length: 6 * 4 }, () => rng.normal()), shape: [6, 4] };

beforeAll(async () => {
  await initTf('cpu');
});

describe('dense heads', () => {
  it('reads the last Dense of a TF.js model (followed by a softmax layer, or with a sigmoid unit) so that the head reproduces predict', async () => {
    for (const variant of ['softmax-layer', 'sigmoid-unit'] as const) {
      const net = tf.sequential();
      net.add(tf.layers.dense({ inputShape: [4], units: 7, activation: 'relu', name: 'hidden' }));
      net.add(tf.layers.dropout({ rate: 0.2, name: 'drop' }));
      if (variant === 'softmax-layer') {
        net.add(tf.layers.dense({ units: 3, name: 'logits' }));
        net.add(tf.layers.activation({ activation: 'softmax', name: 'probs' }));
      } else net.add(tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'out' }));
      reinitializeWeights(net, 3);
      const model = new TfjsLayersModel(net);
      const head = tfjsDenseHead(model);
      expect(head.featureName).toBe('drop');
      expect(head.inputs).toBe(7);
      const expected = await model.predict(X);
      const got = await headProbabilities(head, X);
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    }
  });

  it('finds a final Gemm (transB) or MatMul + Add before a Softmax in an ONNX graph', async () => {
    const W1 = values(4 * 5, 1);
    const W2 = values(5 * 3, 2);
    const b2 = values(3, 3);
    const W2t = Array.from({ length: 15 }, (_, k) => W2[(k % 5) * 3 + Math.floor(k / 5)]!);
    const common = { opset: 13, inputs: { x: [6, 4] }, outputs: ['p'] };
    const gemm = dynamicBatch({ ...common, inits: { W1: { dims: [4, 5], values: W1 }, W2t: { dims: [3, 5], values: W2t }, b2: { dims: [3], values: b2 } }, nodes: [
      { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['a'] },
      { op: 'Relu', inputs: ['a'], outputs: ['h'] },
      { op: 'Gemm', inputs: ['h', 'W2t', 'b2'], outputs: ['z'], attrs: { transB: 1 } },
      { op: 'Softmax', inputs: ['z'], outputs: ['p'], attrs: { axis: 1 } },
    ] });
    const matmul = dynamicBatch({ ...common, inits: { W1: { dims: [4, 5], values: W1 }, W2: { dims: [5, 3], values: W2 }, b2: { dims: [3], values: b2 } }, nodes: [
      { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['a'] },
      { op: 'Relu', inputs: ['a'], outputs: ['h'] },
      { op: 'MatMul', inputs: ['h', 'W2'], outputs: ['zw'] },
      { op: 'Add', inputs: ['zw', 'b2'], outputs: ['z'] },
      { op: 'Softmax', inputs: ['z'], outputs: ['p'], attrs: { axis: 1 } },
    ] });
    for (const bytes of [gemm, matmul]) {
      const head = await onnxDenseHead(bytes);
      expect(head.featureName).toBe('h');
      expect([head.inputs, head.outputs, head.activation]).toEqual([5, 3, 'softmax']);
      const model = await loadOnnxModel(bytes, { classes: ['a', 'b', 'c'] });
      const expected = await model.predict(X);
      const got = await headProbabilities(head, X);
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      await model.dispose();
    }
  });

  it('refuses a graph whose logits do not come from a dense layer', async () => {
    const bytes = dynamicBatch({ opset: 13, inputs: { x: [6, 4] }, outputs: ['p'], nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['p'], attrs: { axis: 1 } }] });
    await expect(onnxDenseHead(bytes, { source: 'm.onnx' })).rejects.toThrow(/m\.onnx: no dense last layer found/);
  });
});
