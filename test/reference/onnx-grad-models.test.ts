import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GlassboxError } from '../../src/errors.js';
import { loadOnnxGradModel } from '../../src/model/onnx-grad/public.js';
import type { OnnxGradModel } from '../../src/model/onnx-grad/public.js';
import type { Tensor } from '../../src/model/tensor.js';
import { REFERENCE_DIR as referenceDir, referencePath, useReference } from '../support/reference.js';

const present = useReference('onnx-grad model parity tests', ['mnist/cnn.onnx', 'mnist/samples.json', 'german-credit/mlp.onnx', 'german-credit/mlp_inputs_outputs.json', 'cka/cnn_seed1.onnx', 'cka/cnn_seed0_activations.onnx']);

const read = (f: string): Uint8Array => readFileSync(resolve(referenceDir, f));
const json = <T>(f: string): T => JSON.parse(readFileSync(resolve(referenceDir, f), 'utf8')) as T;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function ortRun(file: string, x: Tensor): Promise<ort.InferenceSession.ReturnType> {
  const session = await ort.InferenceSession.create(read(file));
  const out = await session.run({ input: new ort.Tensor('float32', x.data, [...x.shape]) });
  await session.release();
  return out;
}

/** The tfjs interpreter, forced (the default engine would run onnxruntime and compare it with itself). */
async function interpreter(file: string, options: { classes?: string[] } = {}): Promise<OnnxGradModel> {
  const model = await loadOnnxGradModel(resolve(referenceDir, file), { ...options, engine: 'tfjs' });
  expect(model.gradientEngine).toBe('tfjs');
  return model;
}

/** max |a − b| relative to max |b|. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  return maxDiff(a, b) / Math.max(scale, 1e-30);
}

describe.skipIf(!present)('onnx-grad tfjs interpreter vs onnxruntime on the reference models (forward within 1e-5)', () => {
  const mnist = present ? json<{ pixels: number[][] }>('mnist/samples.json') : undefined;
  const images = (): Tensor => ({ data: Float32Array.from(mnist!.pixels.flat()), shape: [20, 1, 28, 28] });

  for (const file of ['mnist/cnn.onnx', 'cka/cnn_seed1.onnx']) {
    it(`${file}: logits`, async () => {
      const model = await interpreter(file);
      const x = images();
      const ours = await model.forward(x, { output: 'logits' });
      const theirs = (await ortRun(file, x)).logits!.data as Float32Array;
      expect(maxDiff(ours, theirs)).toBeLessThan(1e-5);
      await model.dispose();
    });
  }

  it('german-credit/mlp.onnx: probabilities (softmax head detected, logits = its input)', async () => {
    const ref = json<{ inputs: number[][]; probabilities: number[][] }>('german-credit/mlp_inputs_outputs.json');
    const model = await interpreter('german-credit/mlp.onnx', { classes: ['good', 'bad'] });
    const x: Tensor = { data: Float32Array.from(ref.inputs.flat()), shape: [ref.inputs.length, 61] };
    const probs = await model.predict(x);
    const theirs = (await ortRun('german-credit/mlp.onnx', x)).probabilities!.data as Float32Array;
    expect(maxDiff(probs, theirs)).toBeLessThan(1e-5);
    expect(model.task).toBe('binary');
    const logits = await model.forward(x, { output: 'logits' });
    for (let r = 0; r < 5; r++) {
      const p = 1 / (1 + Math.exp(logits[r * 2]! - logits[r * 2 + 1]!));
      expect(Math.abs(p - probs[r * 2 + 1]!)).toBeLessThan(1e-6);
    }
    await model.dispose();
  });

  it('cka/cnn_seed0_activations.onnx: every graph output as a named activation', async () => {
    const model = await interpreter('cka/cnn_seed0_activations.onnx');
    const x = images();
    const names = ['conv1', 'conv2', 'dense', 'logits'];
    const acts = await model.activations(x, names);
    const theirs = await ortRun('cka/cnn_seed0_activations.onnx', x);
    for (const name of names) {
      expect(acts[name]!.shape).toEqual(theirs[name]!.dims.map(Number));
      expect(maxDiff(acts[name]!.data, theirs[name]!.data as Float32Array)).toBeLessThan(1e-5);
    }
    await model.dispose();
  });

  // Gradients: the interpreter's tf.grad against onnxruntime's compiled backward graph, on every model.
  for (const [file, classes] of [['mnist/cnn.onnx'], ['cka/cnn_seed1.onnx'], ['german-credit/mlp.onnx', ['good', 'bad']]] as [string, string[]?][]) {
    it(`${file}: input gradients, tfjs interpreter vs onnxruntime backward graph (within 1e-4 of the largest)`, async () => {
      const tfjs = await interpreter(file, classes ? { classes } : {});
      const ortModel = await loadOnnxGradModel(resolve(referenceDir, file), { engine: 'onnxruntime', ...(classes ? { classes } : {}) });
      const x: Tensor = file.startsWith('german') ? { data: Float32Array.from(json<{ inputs: number[][] }>('german-credit/mlp_inputs_outputs.json').inputs.slice(0, 20).flat()), shape: [20, 61] } : images();
      const target = Int32Array.from({ length: x.shape[0]! }, (_, i) => i % tfjs.outputWidth);
      const a = await tfjs.inputGradients(x, target);
      const b = await ortModel.inputGradients(x, target);
      expect(relDiff(a, b)).toBeLessThan(1e-4);
      expect([tfjs.gradientEngine, ortModel.gradientEngine]).toEqual(['tfjs', 'onnxruntime']);
      expect(tfjs.engineNote).toBeUndefined();
      await tfjs.dispose();
      await ortModel.dispose();
    });
  }
});

describe.skipIf(!present)('the reported gradient engine is the one actually used', () => {
  it('a request onnxruntime cannot compile after load falls back to tfjs, and gradientEngine / engineNote say so', async () => {
    const model = await loadOnnxGradModel(referencePath('mnist/cnn.onnx'));
    const x: Tensor = { data: Float32Array.from(json<{ pixels: number[][] }>('mnist/samples.json').pixels.slice(0, 4).flat()), shape: [4, 1, 28, 28] };
    await model.inputGradients(x, 0);
    expect(model.gradientEngine).toBe('onnxruntime');
    expect(model.engineNote).toBeUndefined();
    // Simulate an op without a backward rule on the path to one layer: onnxruntime refuses to compile it.
    const engine = (model as unknown as { router: { ort: { engine: { prepare: (outputs: readonly string[], g?: { source: string }) => Promise<unknown> } } } }).router.ort.engine;
    const prepare = engine.prepare.bind(engine);
    const layer = model.layerNames.find((n) => n !== model.inputSpec.name && /relu|conv/i.test(n)) ?? model.layerNames[0]!;
    engine.prepare = (outputs, g) => (g?.source === layer ? Promise.reject(new GlassboxError('unsupported_model', "ONNX node 'n' (Fancy): no backward rule")) : prepare(outputs, g));
    const viaTfjs = await model.layerGradients(x, layer, 0);
    expect(model.gradientEngine).toBe('tfjs');
    expect(model.engineNote).toContain(`gradients w.r.t. '${layer}'`);
    expect(model.engineNote).toContain('no backward rule');
    // The fallback computed the same gradients the interpreter does.
    const reference = await interpreter('mnist/cnn.onnx');
    expect(relDiff(viaTfjs.gradient.data, (await reference.layerGradients(x, layer, 0)).gradient.data)).toBeLessThan(1e-5);
    await model.inputGradients(x, 0);
    expect(model.gradientEngine).toBe('onnxruntime');
    await reference.dispose();
    await model.dispose();
  });
});
