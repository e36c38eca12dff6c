import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKWARD_OPS, compileOrtModel, GRADIENT_OUTPUT, SEED_INPUT } from '../../src/model/onnx-grad/backward/compile.js';
import { decodeOnnx } from '../../src/model/onnx-grad/graph-ir.js';
import { OnnxInterpreter } from '../../src/model/onnx-grad/interpreter.js';
import { initTf } from '../../src/model/tfjs/backend.js';
import { GlassboxError } from '../../src/errors.js';
import { buildGraph, values } from '../fixtures/onnx/build-graph.js';
import { cases, inputsFor } from '../fixtures/onnx/op-cases.js';

type Tf = Awaited<ReturnType<typeof initTf>>;

/**
 * Cases whose graph has an op on the gradient path without a backward rule (or a variant the rule
 * refuses): the adapter sends those graphs to the tfjs interpreter. Anything else must compile.
 */
const FALLBACK = new Set([
  'MaxPool 3×3 stride 1 pads',
  'Slice steps and negatives',
  'Gather axis 1 negative indices',
  'Gather scalar index',
  'Pad reflect',
  'Pad edge',
  'Resize linear half_pixel ×2',
  'Resize linear align_corners sizes',
  'Resize nearest asymmetric floor',
]);

describe('backward graphs run by onnxruntime equal the tfjs interpreter’s gradients, per op', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await initTf('wasm');
  });

  it('has a rule for the ops PyTorch emits for MLPs and CNNs', () => {
    for (const op of ['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'Relu', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'BatchNormalization', 'Flatten', 'Reshape', 'Softmax', 'Add', 'Concat']) expect(BACKWARD_OPS).toContain(op);
  });

  for (const c of cases.filter((k) => k.grad)) {
    it(c.name, async () => {
      const bytes = buildGraph(c.spec);
      const graph = decodeOnnx(bytes);
      const interp = new OnnxInterpreter(tf, graph);
      const feeds = inputsFor(c);
      const [inputName, dims] = Object.entries(c.spec.inputs)[0]!;
      const outName = c.spec.outputs[0]!;
      const shapes = new Map<string, readonly number[]>([[inputName, dims]]);
      const seedValues = tf.tidy(() => {
        const run = interp.run({ [inputName]: tf.tensor(feeds[inputName]!, dims) }, { outputs: interp.tensorNames });
        for (const [name, t] of run) shapes.set(name, t.shape);
        return values(run.get(outName)!.size, 999, -1, 1);
      });
      for (const [name, host] of interp.constants) if (!shapes.has(name)) shapes.set(name, host.shape);
      const expected = tf.tidy(() => {
        const objective = (x: Tf['Tensor']['prototype']) => {
          const y = interp.run({ [inputName]: x }, { outputs: [outName] }).get(outName)!;
          return tf.sum(tf.mul(y, tf.tensor(seedValues, y.shape)));
        };
        return tf.grad(objective)(tf.tensor(feeds[inputName]!, dims)).dataSync();
      });
      let compiled: Uint8Array | undefined;
      try {
        compiled = compileOrtModel(bytes, { graph, shapes, constants: interp.constants }, { outputs: [], gradient: { source: inputName, target: outName, guided: false } });
      } catch (error) {
        if (!(error instanceof GlassboxError) || error.code !== 'unsupported_model') throw error;
        expect(FALLBACK.has(c.name), `${c.name} unexpectedly has no backward graph: ${error.message}`).toBe(true);
      } finally {
        interp.dispose();
      }
      if (!compiled) return;
      expect(FALLBACK.has(c.name), `${c.name} compiles now; remove it from FALLBACK`).toBe(false);
      const session = await ort.InferenceSession.create(compiled);
      const result = await session.run({
        [inputName]: new ort.Tensor('float32', feeds[inputName]!, dims),
        [SEED_INPUT]: new ort.Tensor('float32', Float32Array.from(seedValues), shapes.get(outName)!),
      });
      await session.release();
      const got = result[GRADIENT_OUTPUT]!.data as Float32Array;
      expect(got.length).toBe(expected.length);
      let scale = 1e-6;
      for (const v of expected) scale = Math.max(scale, Math.abs(v));
      let err = 0;
      for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i]! - expected[i]!));
      expect(err / scale, `${c.name}: max |ort − tfjs| ${err} at scale ${scale}`).toBeLessThan(1e-5);
    });
  }
});
