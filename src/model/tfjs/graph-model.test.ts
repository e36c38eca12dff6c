import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { initTf, tf } from './backend.js';
import { loadTfjsGraphModel, TfjsGraphModel } from './graph-model.js';
import { loadTfjsModel } from './load.js';
import { TfjsLayersModel } from './layers-model.js';

const F = { type: 'DT_FLOAT' };
const dims = (...sizes: number[]): { dim: { size: string }[] } => ({ dim: sizes.map((s) => ({ size: String(s) })) });
const constNode = (name: string, ...shape: number[]): object => ({ name, op: 'Const', attr: { dtype: F, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(...shape) } } } });

/** A hand-written GraphDef: input[?,3] → MatMul w1 → BiasAdd b1 → Relu → MatMul w2 → Softmax. */
async function writeGraphModel(dir: string, w1: Float32Array, b1: Float32Array, w2: Float32Array): Promise<void> {
  const modelTopology = {
    node: [
      { name: 'input', op: 'Placeholder', attr: { dtype: F, shape: { shape: dims(-1, 3) } } },
      constNode('w1', 3, 4),
      constNode('b1', 4),
      constNode('w2', 4, 2),
      { name: 'mm', op: 'MatMul', input: ['input', 'w1'], attr: { T: F, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'h', op: 'BiasAdd', input: ['mm', 'b1'], attr: { T: F } },
      { name: 'relu', op: 'Relu', input: ['h'], attr: { T: F } },
      { name: 'logits', op: 'MatMul', input: ['relu', 'w2'], attr: { T: F, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'probs', op: 'Softmax', input: ['logits'], attr: { T: F } },
    ],
    versions: { producer: 1 },
  };
  const weights = [
    { name: 'w1', shape: [3, 4], dtype: 'float32' },
    { name: 'b1', shape: [4], dtype: 'float32' },
    { name: 'w2', shape: [4, 2], dtype: 'float32' },
  ];
  const bytes = new Float32Array([...w1, ...b1, ...w2]);
  await writeFile(join(dir, 'weights.bin'), new Uint8Array(bytes.buffer));
  await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights }] }));
}

describe('TfjsGraphModel', () => {
  let dir = '';
  beforeAll(async () => {
    await initTf('wasm');
    dir = await mkdtemp(join(tmpdir(), 'glassbox-graph-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('predicts, differentiates and exposes nodes like the equivalent LayersModel', async () => {
    const rng = new Rng(1);
    const draw = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
    const [w1, b1, w2] = [draw(12), draw(4), draw(8)];
    await writeGraphModel(dir, w1, b1, w2);
    const graph = await loadTfjsGraphModel(dir, { classes: ['a', 'b'] });
    expect(graph.task).toBe('binary');
    expect(graph.inputSpec.shape).toEqual([null, 3]);
    expect(graph.layerNames).toContain('relu');

    const seq = tf.sequential();
    seq.add(tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu', name: 'hidden' }));
    seq.add(tf.layers.dense({ units: 2, activation: 'softmax', useBias: false, name: 'out' }));
    seq.setWeights([tf.tensor2d(w1, [3, 4]), tf.tensor1d(b1), tf.tensor2d(w2, [4, 2])]);
    const layers = new TfjsLayersModel(seq);

    const x = { data: draw(15), shape: [5, 3] };
    const close = (a: Float32Array, b: Float32Array): void => {
      expect(a.length).toBe(b.length);
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    };
    close(await graph.predict(x), await layers.predict(x));
    close(await graph.logits(x), await layers.logits(x));
    close(await graph.inputGradients(x, 1), await layers.inputGradients(x, 1));
    close(await graph.inputGradients(x, Int32Array.from([0, 1, 0, 1, 1]), { output: 'probabilities' }), await layers.inputGradients(x, Int32Array.from([0, 1, 0, 1, 1]), { output: 'probabilities' }));
    const labels = Int32Array.from([1, 0, 0, 1, 0]);
    const [lossGraph, lossLayers] = [await graph.lossGradients(x, labels), await layers.lossGradients(x, labels)];
    close(lossGraph.gradient, lossLayers.gradient);
    close(lossGraph.loss, lossLayers.loss);
    close(lossGraph.probabilities, await layers.predict(x));
    const acts = await graph.activations(x, ['relu']);
    close(acts.relu!.data, (await layers.activations(x, ['hidden'])).hidden!.data);
    const lg = await graph.layerGradients(x, 'relu', 1);
    // d logit_1 / d relu = w2[:, 1] for every row
    for (let r = 0; r < 5; r++) for (let u = 0; u < 4; u++) expect(lg.gradient.data[r * 4 + u]).toBeCloseTo(w2[u * 2 + 1]!, 5);
    await expect(graph.activations(x, ['nope'])).rejects.toThrow(/no node "nope"/);
    expect(await loadTfjsModel(dir)).toBeInstanceOf(TfjsGraphModel);
  });
});
