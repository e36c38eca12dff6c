import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradCam, imageOcclusion, inputXGradient, integratedGradients, guidedBackprop, saliency } from '../../src/explain/gradients/public.js';
import { gradCamMaps } from '../../src/explain/gradients/grad-cam.js';
import { loadOnnxGradModel, type OnnxGradModel } from '../../src/model/onnx-grad/public.js';
import type { Tensor } from '../../src/model/tensor.js';
import { referencePath, useReference } from '../support/reference.js';

const dir = referencePath('mnist');
const present = useReference('captum reference tests', ['cnn.onnx', 'samples.json', 'captum.json'].map((f) => `mnist/${f}`));

interface Samples {
  labels: number[];
  pixels: number[][];
  logits: number[][];
}
interface Captum {
  attributions: Record<string, number[][] | Record<string, number[]>>;
}

/** Worst over images of max|ours − ref| / max|ref| (the tolerance is 1e-4). */
function worstRelative(ours: ArrayLike<number>, ref: number[][], width: number): number {
  let worst = 0;
  ref.forEach((row, i) => {
    let scale = 0;
    let err = 0;
    row.forEach((r, j) => {
      scale = Math.max(scale, Math.abs(r));
      err = Math.max(err, Math.abs(ours[i * width + j]! - r));
    });
    worst = Math.max(worst, scale > 0 ? err / scale : err);
  });
  return worst;
}

describe.skipIf(!present).each(['onnxruntime', 'tfjs'] as const)('captum 0.7 reference on mnist/cnn.onnx (20 images, target = label), gradients by %s', (engine) => {
  const samples = present ? (JSON.parse(readFileSync(resolve(dir, 'samples.json'), 'utf8')) as Samples) : undefined;
  const captum = present ? (JSON.parse(readFileSync(resolve(dir, 'captum.json'), 'utf8')) as Captum) : undefined;
  const ref = (name: string): number[][] => captum!.attributions[name] as number[][];
  let model: OnnxGradModel;
  let x: Tensor;
  let target: Int32Array;
  const conv2 = '/conv2/Conv_output_0';

  beforeAll(async () => {
    model = await loadOnnxGradModel(resolve(dir, 'cnn.onnx'), { backend: 'wasm', engine });
    expect(model.gradientEngine).toBe(engine);
    x = { data: Float32Array.from(samples!.pixels.flat()), shape: [20, 1, 28, 28] };
    target = Int32Array.from(samples!.labels);
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('reproduces the torch logits within 1e-5', async () => {
    const logits = await model.forward(x, { output: 'logits' });
    const diff = samples!.logits.flat().reduce((m, v, i) => Math.max(m, Math.abs(v - logits[i]!)), 0);
    expect(diff).toBeLessThan(1e-5);
  });

  const cases: [string, () => ReturnType<typeof saliency>][] = [
    ['saliency', () => saliency()],
    ['input_x_gradient', () => inputXGradient()],
    ['guided_backprop', () => guidedBackprop()],
    ['integrated_gradients_riemann_trapezoid_64', () => integratedGradients({ method: 'riemann_trapezoid', steps: 64 })],
    ['integrated_gradients_gausslegendre_64', () => integratedGradients({ method: 'gausslegendre', steps: 64 })],
    ['layer_gradcam_upsampled_28x28', () => gradCam({ layer: conv2 })],
    ['layer_gradcam_relu_upsampled_28x28', () => gradCam({ layer: conv2, relu: true })],
    ['occlusion', () => imageOcclusion({ window: [4, 4], strides: [2, 2], baseline: 0 })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: max-abs error ≤ 1e-4 × each map's max-abs`, async () => {
      const a = await make().explain(model, x, { target });
      expect(a.shape).toEqual([20, 1, 28, 28]);
      const worst = worstRelative(a.values, ref(name), 784);
      expect(worst).toBeLessThanOrEqual(1e-4);
      if (name.startsWith('integrated')) {
        const deltas = (captum!.attributions.ig_convergence_delta as Record<string, number[]>)[name]!;
        const dd = deltas.reduce((m, d, i) => Math.max(m, Math.abs(d - a.delta![i]!)), 0);
        expect(dd).toBeLessThan(1e-4);
      }
    });
  }

  it('raw 14×14 Grad-CAM maps match (captum default and relu)', async () => {
    for (const [name, relu] of [['layer_gradcam_raw_14x14', false], ['layer_gradcam_relu_raw_14x14', true]] as const) {
      const { maps, h, w } = await gradCamMaps(model, x, conv2, target, 'logits', relu);
      expect([h, w]).toEqual([14, 14]);
      expect(worstRelative(maps, ref(name), 196)).toBeLessThanOrEqual(1e-4);
    }
  });
});
