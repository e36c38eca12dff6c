import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadOnnxGradModel } from '../../src/model/onnx-grad/public.js';
import type { Tensor } from '../../src/model/tensor.js';
import { REFERENCE_DIR as referenceDir, useReference } from '../support/reference.js';

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

describe.skipIf(!present)('onnx-grad interpreter vs onnxruntime on the reference models (forward within 1e-5)', () => {
  const mnist = present ? json<{ pixels: number[][] }>('mnist/samples.json') : undefined;
  const images = (): Tensor => ({ data: Float32Array.from(mnist!.pixels.flat()), shape: [20, 1, 28, 28] });

  for (const file of ['mnist/cnn.onnx', 'cka/cnn_seed1.onnx']) {
    it(`${file}: logits`, async () => {
      const model = await loadOnnxGradModel(resolve(referenceDir, file));
      const x = images();
      const ours = await model.forward(x, { output: 'logits' });
      const theirs = (await ortRun(file, x)).logits!.data as Float32Array;
      expect(maxDiff(ours, theirs)).toBeLessThan(1e-5);
      await model.dispose();
    });
  }

  it('german-credit/mlp.onnx: probabilities (softmax head detected, logits = its input)', async () => {
    const ref = json<{ inputs: number[][]; probabilities: number[][] }>('german-credit/mlp_inputs_outputs.json');
    const model = await loadOnnxGradModel(resolve(referenceDir, 'german-credit/mlp.onnx'), { classes: ['good', 'bad'] });
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
    const model = await loadOnnxGradModel(resolve(referenceDir, 'cka/cnn_seed0_activations.onnx'));
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
});
