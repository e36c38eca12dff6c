import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph, values } from '../../../test/fixtures/onnx/build-graph.js';
import { loadOnnxGradModel, type OnnxGradModel } from '../../model/onnx-grad/public.js';
import type { Tensor } from '../../model/tensor.js';
import { expectedGradients, inputXGradient, integratedGradients, layerAttribution, saliency, smoothGrad, upsample } from './public.js';
import type { IntegrationRule } from './integration-rules.js';

const W = values(12, 1); // [4 inputs, 3 classes] row-major as Gemm B (no transpose)
const B = values(3, 2);
const linearBytes = buildGraph({
  opset: 13,
  inputs: { input: [1, 4] },
  inits: { w: { dims: [4, 3], values: W }, b: { dims: [3], values: B } },
  nodes: [{ op: 'Gemm', inputs: ['input', 'w', 'b'], outputs: ['logits'] }],
  outputs: ['logits'],
});
const tanhBytes = buildGraph({
  opset: 13,
  inputs: { input: [1, 4] },
  inits: { w1: { dims: [4, 6], values: values(24, 3) }, b1: { dims: [6], values: values(6, 4) }, w2: { dims: [6, 3], values: values(18, 5) }, b2: { dims: [3], values: values(3, 6) } },
  nodes: [
    { op: 'Gemm', inputs: ['input', 'w1', 'b1'], outputs: ['h'] },
    { op: 'Tanh', inputs: ['h'], outputs: ['t'] },
    { op: 'Gemm', inputs: ['t', 'w2', 'b2'], outputs: ['logits'] },
  ],
  outputs: ['logits'],
});

const x: Tensor = { data: Float32Array.from(values(20, 9, -2, 2)), shape: [5, 4] };
const target = Int32Array.from([0, 1, 2, 1, 0]);
const dynamic = (bytes: Uint8Array): Uint8Array => bytes; // batch dim is read as dynamic by the adapter

describe('gradient explainers on small ONNX models', () => {
  let linear: OnnxGradModel;
  let tanh: OnnxGradModel;
  beforeAll(async () => {
    linear = await loadOnnxGradModel(dynamic(linearBytes), { classes: ['a', 'b', 'c'] });
    tanh = await loadOnnxGradModel(dynamic(tanhBytes), { classes: ['a', 'b', 'c'] });
  });
  afterAll(async () => {
    await linear.dispose();
    await tanh.dispose();
  });

  it('saliency is |w_target| on a linear model; signed on request; input×gradient = x·w', async () => {
    const abs = await saliency().explain(linear, x, { target });
    const signed = await saliency({ abs: false }).explain(linear, x, { target });
    const ixg = await inputXGradient().explain(linear, x, { target });
    for (let r = 0; r < 5; r++) {
      for (let j = 0; j < 4; j++) {
        const w = Math.fround(W[j * 3 + target[r]!]!);
        expect(signed.values[r * 4 + j]).toBeCloseTo(w, 6);
        expect(abs.values[r * 4 + j]).toBeCloseTo(Math.abs(w), 6);
        expect(ixg.values[r * 4 + j]).toBeCloseTo(x.data[r * 4 + j]! * w, 5);
      }
    }
  });

  for (const rule of ['riemann_left', 'riemann_right', 'riemann_middle', 'gausslegendre'] as IntegrationRule[]) {
    it(`IG (${rule}) is exact on a linear model: (x − x′)·w, delta ≈ 0`, async () => {
      const a = await integratedGradients({ method: rule, steps: 7, baseline: 0.5 }).explain(linear, x, { target });
      for (let r = 0; r < 5; r++) for (let j = 0; j < 4; j++) expect(a.values[r * 4 + j]).toBeCloseTo((x.data[r * 4 + j]! - 0.5) * Math.fround(W[j * 3 + target[r]!]!), 5);
      for (const d of a.delta!) expect(Math.abs(d)).toBeLessThan(1e-5);
    });
  }

  it("IG trapezoid keeps captum's (n−1)/n weight sum: attributions × n/(n−1) are the exact ones", async () => {
    const a = await integratedGradients({ method: 'riemann_trapezoid', steps: 8 }).explain(linear, x, { target });
    for (let r = 0; r < 5; r++) for (let j = 0; j < 4; j++) expect((a.values[r * 4 + j]! * 8) / 7).toBeCloseTo(x.data[r * 4 + j]! * Math.fround(W[j * 3 + target[r]!]!), 5);
  });

  it('IG completeness on a tanh MLP improves with steps (Gauss–Legendre)', async () => {
    const coarse = await integratedGradients({ steps: 2 }).explain(tanh, x, { target });
    const fine = await integratedGradients({ steps: 64 }).explain(tanh, x, { target });
    const worst = (d: Float64Array): number => d.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(worst(fine.delta!)).toBeLessThan(1e-5);
    expect(worst(fine.delta!)).toBeLessThan(worst(coarse.delta!));
  });

  it('IG with internal batch 1 equals internal batch 64 (batching only bounds memory)', async () => {
    const a = await integratedGradients({ steps: 16, internalBatchSize: 1 }).explain(tanh, x, { target });
    const b = await integratedGradients({ steps: 16, internalBatchSize: 64 }).explain(tanh, x, { target });
    for (let i = 0; i < a.values.length; i++) expect(a.values[i]).toBeCloseTo(b.values[i]!, 6);
  });

  it('SmoothGrad with σ = 0 is the gradient; VarGrad is 0; same seed → same values', async () => {
    const plain = await saliency({ abs: false }).explain(tanh, x, { target });
    const sg0 = await smoothGrad({ sigma: 0, samples: 3 }).explain(tanh, x, { target });
    const vg0 = await smoothGrad({ sigma: 0, samples: 3, variant: 'vargrad' }).explain(tanh, x, { target });
    for (let i = 0; i < plain.values.length; i++) {
      expect(sg0.values[i]).toBeCloseTo(plain.values[i]!, 6);
      expect(vg0.values[i]).toBeCloseTo(0, 10);
    }
    const a = await smoothGrad({ seed: 3, samples: 4, variant: 'smoothgrad-sq' }).explain(tanh, x, { target });
    const b = await smoothGrad({ seed: 3, samples: 4, variant: 'smoothgrad-sq' }).explain(tanh, x, { target });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    const c = await smoothGrad({ seed: 4, samples: 4, variant: 'smoothgrad-sq' }).explain(tanh, x, { target });
    expect(Array.from(c.values)).not.toEqual(Array.from(a.values));
  });

  it('Expected gradients with a one-row background on a linear model is (x − b)·w with delta ≈ 0', async () => {
    const background: Tensor = { data: Float32Array.from([0.1, -0.2, 0.3, 0.4]), shape: [1, 4] };
    const a = await expectedGradients({ samples: 3 }).explain(linear, x, { target, background });
    for (let r = 0; r < 5; r++) for (let j = 0; j < 4; j++) expect(a.values[r * 4 + j]).toBeCloseTo((x.data[r * 4 + j]! - background.data[j]!) * Math.fround(W[j * 3 + target[r]!]!), 5);
    for (const d of a.delta!) expect(Math.abs(d)).toBeLessThan(1e-5);
  });

  it('layer attributions of the last hidden layer sum to logit − bias (linear head)', async () => {
    const a = await layerAttribution({ layer: 't' }).explain(tanh, x, { target });
    expect(a.shape).toEqual([5, 6]);
    const logits = await tanh.forward(x, { output: 'logits' });
    const b2 = values(3, 6);
    for (let r = 0; r < 5; r++) {
      const sum = a.values.subarray(r * 6, r * 6 + 6).reduce((s, v) => s + v, 0);
      expect(sum).toBeCloseTo(logits[r * 3 + target[r]!]! - Math.fround(b2[target[r]!]!), 5);
    }
  });

  it('rejects a model without gradients, non-finite inputs and unknown layers before any work', async () => {
    const plainModel = { task: 'multiclass' as const, classes: ['a', 'b', 'c'], inputSpec: linear.inputSpec, outputWidth: 3, predict: (t: Tensor) => linear.predict(t) };
    await expect(saliency().explain(plainModel as unknown as OnnxGradModel, x)).rejects.toMatchObject({ code: 'missing_capability' });
    const bad: Tensor = { data: Float32Array.from([Number.NaN, 0, 0, 0]), shape: [1, 4] };
    await expect(saliency().explain(linear, bad)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(layerAttribution({ layer: 'nope' }).explain(linear, x)).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('upsample (torch F.interpolate semantics)', () => {
  it('bilinear align_corners=False on 2×2 → 4×4 gives the torch values', () => {
    const up = upsample(Float64Array.from([0, 1, 2, 3]), 1, 2, 2, 4, 4, 'bilinear');
    // torch.nn.functional.interpolate(torch.arange(4.).view(1,1,2,2), (4,4), mode='bilinear')
    expect(Array.from(up)).toEqual([0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
  });
  it('nearest repeats source pixels', () => {
    expect(Array.from(upsample(Float64Array.from([1, 2]), 1, 1, 2, 1, 4, 'nearest'))).toEqual([1, 1, 2, 2]);
  });
});

// The shared conformance suite runs every gradient explainer from test/conformance/registry.test.ts.
