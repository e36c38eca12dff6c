import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeOnnx } from '../../src/model/onnx-grad/graph-ir.js';
import { OnnxInterpreter } from '../../src/model/onnx-grad/interpreter.js';
import { initTf } from '../../src/model/tfjs/backend.js';
import { buildGraph, values } from '../fixtures/onnx/build-graph.js';
import { cases, inputsFor, type OpCase } from '../fixtures/onnx/op-cases.js';

type Tf = Awaited<ReturnType<typeof initTf>>;

describe('ONNX interpreter: forward parity with onnxruntime and gradients vs central differences, per op', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await initTf((process.env.GLASSBOX_TF_BACKEND as 'cpu' | undefined) ?? 'wasm');
  });

  for (const c of cases) {
    it(c.name, async () => {
      const bytes = buildGraph(c.spec);
      const feeds = inputsFor(c);
      const session = await ort.InferenceSession.create(bytes);
      const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([n, d]) => [n, new ort.Tensor('float32', d, c.spec.inputs[n]!)]));
      const expected = await session.run(ortFeeds);
      const interp = new OnnxInterpreter(tf, decodeOnnx(bytes));
      const ours = tf.tidy(() => {
        const run = interp.run(Object.fromEntries(Object.entries(feeds).map(([n, d]) => [n, tf.tensor(d, c.spec.inputs[n]!)])), { outputs: c.spec.outputs });
        return c.spec.outputs.map((o) => run.get(o)!);
      });
      c.spec.outputs.forEach((name, k) => {
        const ref = expected[name]!;
        const got = ours[k]!;
        expect(got.shape).toEqual(ref.dims.map(Number));
        const refData = Array.from(ref.data as ArrayLike<number | bigint>, Number);
        const gotData = Array.from(got.dataSync(), Number);
        const err = refData.reduce((m, v, i) => Math.max(m, Math.abs(v - gotData[i]!) / Math.max(1, Math.abs(v))), 0);
        expect(err).toBeLessThan(1e-5);
      });
      ours.forEach((t) => t.dispose());
      if (c.grad) checkGradient(tf, interp, c, feeds);
      interp.dispose();
      await session.release();
    });
  }
});

/**
 * Gradient of Σ R ⊙ y w.r.t. the first input, against float32 central differences (ε = 1e-2) at 12
 * coordinates, within 1e-3 of the largest gradient (at least 1). Measured worst case per op over the 64
 * cases: 2.3e-4 (Sqrt, whose curvature near 0 dominates the O(ε²) truncation), 1.0e-4 (LayerNormalization,
 * dilated grouped Conv), every other op ≤ 6e-5 (float32 round-off of the objective divided by 2ε). The
 * former bound, 2e-2, was about 100 times looser than any op needs.
 */
function checkGradient(tf: Tf, interp: OnnxInterpreter, c: OpCase, feeds: Record<string, Float32Array>): void {
  const [inputName, dims] = Object.entries(c.spec.inputs)[0]!;
  const outName = c.spec.outputs[0]!;
  const base = feeds[inputName]!;
  const objective = (x: Tf['Tensor']['prototype']): Tf['Tensor']['prototype'] => {
    const y = interp.run({ [inputName]: x }, { outputs: [outName] }).get(outName)!;
    const r = tf.tensor(values(y.size, 999, -1, 1), y.shape);
    return tf.sum(tf.mul(y, r));
  };
  const analytic = tf.tidy(() => tf.grad(objective)(tf.tensor(base, dims))).dataSync();
  const evalAt = (v: Float32Array): number => tf.tidy(() => objective(tf.tensor(v, dims)).dataSync()[0]!);
  const eps = 1e-2;
  let scale = 1;
  for (const g of analytic) scale = Math.max(scale, Math.abs(g));
  const picks = values(12, 7, 0, base.length).map(Math.floor);
  for (const i of picks) {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i]! += eps;
    minus[i]! -= eps;
    const numeric = (evalAt(plus) - evalAt(minus)) / (2 * eps);
    expect(Math.abs(numeric - analytic[i]!), `${c.name}: d/dx[${i}] analytic ${analytic[i]} vs numeric ${numeric}`).toBeLessThan(1e-3 * scale);
  }
}
