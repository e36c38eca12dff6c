import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxGradModel, type OnnxGradModel } from '../../src/model/onnx-grad/public.js';
import type { Tensor } from '../../src/model/tensor.js';
import { referencePath, useReference } from '../support/reference.js';

const present = useReference('loss-gradient anchor on mnist/cnn.onnx', ['mnist/cnn.onnx', 'mnist/samples.json', 'mnist/captum.json']);

/**
 * Anchors the compiled cross-entropy head on the public CNN: |∂logit_t/∂x| of the same engine matches
 * captum's saliency, and the loss gradient equals Σ_j (p_j − [j = y]) ∂logit_j/∂x assembled from ten
 * separate logit gradients (the chain rule through the softmax, done outside the engine).
 */
describe.skipIf(!present).each(['onnxruntime', 'tfjs'] as const)('cross-entropy gradients on mnist/cnn.onnx (%s)', (engine) => {
  let model: OnnxGradModel;
  let x: Tensor;
  let labels: Int32Array;
  let saliency: number[][];

  beforeAll(async () => {
    const samples = JSON.parse(readFileSync(referencePath('mnist/samples.json'), 'utf8')) as { labels: number[]; pixels: number[][] };
    saliency = (JSON.parse(readFileSync(referencePath('mnist/captum.json'), 'utf8')) as { attributions: { saliency: number[][] } }).attributions.saliency;
    model = await loadOnnxGradModel(resolve(referencePath('mnist/cnn.onnx')), { engine });
    x = { data: Float32Array.from(samples.pixels.flat()), shape: [20, 1, 28, 28] };
    labels = Int32Array.from(samples.labels);
  });
  afterAll(async () => model?.dispose());

  it('the engine reproduces captum saliency |∂logit_t/∂x| (1e-5 relative)', async () => {
    const g = await model.inputGradients(x, labels);
    saliency.forEach((row, i) => {
      const scale = Math.max(...row.map(Math.abs));
      const err = Math.max(...row.map((v, j) => Math.abs(Math.abs(g[i * 784 + j]!) - v)));
      expect(err / scale).toBeLessThan(1e-5);
    });
  });

  it('∂CE/∂x equals Σ_j (p_j − onehot_j) ∂logit_j/∂x, and the loss is −log p_y', async () => {
    const ce = await model.lossGradients(x, labels);
    const logits = await model.forward(x, { output: 'logits' });
    const chain = new Float64Array(x.data.length);
    const logitScale = new Float64Array(20);
    const p64 = (i: number, j: number): number => {
      const row = Array.from(logits.subarray(i * 10, i * 10 + 10));
      const max = Math.max(...row);
      return Math.exp(row[j]! - max) / row.reduce((s, v) => s + Math.exp(v - max), 0);
    };
    for (let j = 0; j < 10; j++) {
      const gj = await model.inputGradients(x, j);
      for (let i = 0; i < 20; i++) {
        // 1 − p_y as Σ_{j≠y} p_j in float64, so the reference is exact where p_y ≈ 1
        const w = labels[i] === j ? -Array.from({ length: 10 }, (_, m) => (m === j ? 0 : p64(i, m))).reduce((a, b) => a + b, 0) : p64(i, j);
        for (let k = 0; k < 784; k++) {
          chain[i * 784 + k]! += w * gj[i * 784 + k]!;
          logitScale[i] = Math.max(logitScale[i]!, Math.abs(gj[i * 784 + k]!));
        }
      }
    }
    for (let i = 0; i < 20; i++) {
      let scale = 0;
      let err = 0;
      for (let k = i * 784; k < (i + 1) * 784; k++) {
        scale = Math.max(scale, Math.abs(chain[k]!));
        err = Math.max(err, Math.abs(ce.gradient[k]! - chain[k]!));
      }
      // float32 exp(log_softmax) − 1 (PyTorch's order) carries an absolute error of a few ulps of 1
      expect(err).toBeLessThan(1e-4 * scale + 5e-7 * logitScale[i]!);
      expect(Math.abs(ce.loss[i]! + Math.log(p64(i, labels[i]!)))).toBeLessThan(1e-6 * Math.max(1, ce.loss[i]!));
    }
  });
});
