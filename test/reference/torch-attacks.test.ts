import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxGradModel } from '../../src/model/onnx-grad/load.js';
import { runAttack } from '../../src/robust/attacks/attack.js';
import { certifyRobustness } from '../../src/robust/certify/certify.js';
import { boundGraphFromOnnx } from '../../src/robust/certify/from-onnx.js';
import { REPO_ROOT, referencePath, useReference } from '../support/reference.js';

interface TorchCase { method: 'fgsm' | 'pgd'; norm: 'linf' | 'l2'; epsilon: number; stepSize: number; steps: number; adv: string; predictions: number[] }
interface TorchFixture { labels: number[]; cases: TorchCase[]; torch: string; ibp: { epsilon: number; lower: number[][]; upper: number[][] }[] }

/**
 * FGSM and PGD against PyTorch's own run of the same attacks on the same CNN (torchattacks' arithmetic,
 * no random start): test/fixtures/torch/mnist-attacks.json, written by scripts/reference/torch_attacks.py
 * from the reference ONNX weights. The gradients come from different engines (onnxruntime here, torch
 * there), so the sign of a gradient component within float32 rounding of zero may differ: the test
 * bounds how many pixels may differ, and by how much, and requires the same predictions.
 */
const HAS_REFERENCE = useReference('FGSM, PGD and IBP reproduce PyTorch on the public CNN', ['mnist/cnn.onnx', 'mnist/samples.json']);

describe.skipIf(!HAS_REFERENCE)('FGSM, PGD and IBP reproduce PyTorch on the public CNN', () => {
  const fixture = JSON.parse(readFileSync(resolve(REPO_ROOT, 'test/fixtures/torch/mnist-attacks.json'), 'utf8')) as TorchFixture;
  const samples = JSON.parse(readFileSync(referencePath('mnist/samples.json'), 'utf8')) as { pixels: number[][]; labels: number[] };
  const x = { data: Float32Array.from(samples.pixels.flat()), shape: [20, 1, 28, 28] };
  const labels = Int32Array.from(samples.labels);
  let model: Awaited<ReturnType<typeof loadOnnxGradModel>>;
  beforeAll(async () => {
    model = await loadOnnxGradModel(referencePath('mnist/cnn.onnx'), { engine: 'onnxruntime' });
  });
  afterAll(async () => {
    await model.dispose();
  });

  it.each(fixture.cases.map((c) => [`${c.method} ${c.norm} ε=${c.epsilon}`, c] as const))('%s: the same adversarial pixels (up to float32 rounding) and predictions', async (_name, c) => {
    const torch = new Float32Array(Buffer.from(c.adv, 'base64').buffer.slice(0));
    const ours = await runAttack(model, x, labels, { method: c.method, norm: c.norm, epsilon: c.epsilon, stepSize: c.stepSize, steps: c.steps, randomStart: false });
    let differ = 0;
    let worst = 0;
    for (let i = 0; i < torch.length; i++) {
      const d = Math.abs(ours.adversarial[i]! - torch[i]!);
      if (d > 1e-6) differ++;
      worst = Math.max(worst, d);
    }
    // measured: FGSM 2 of 15,680 pixels (a sign flip where the gradient is ~0), PGD L∞ 93 after 10 steps,
    // PGD L2 1,408 by at most 0.0056 (rounding of the per-row normalisation, compounded over the steps)
    const allowed = { fgsm: [0.0005, 2 * c.epsilon], linf: [0.01, 2 * c.epsilon], l2: [0.15, 0.01] } as const;
    const [share, size] = c.method === 'fgsm' ? allowed.fgsm : c.norm === 'linf' ? allowed.linf : allowed.l2;
    expect(differ / torch.length).toBeLessThan(share);
    expect(worst).toBeLessThanOrEqual(size + 1e-6);
    expect(Array.from(ours.predictionsAfter)).toEqual(c.predictions);
    expect(ours.accuracyAfter).toBeLessThan(ours.accuracyBefore);
  });

  it.each(fixture.ibp.map((b) => [b.epsilon, b] as const))('IBP at ε = %s: the float64 torch interval bounds to 1e-9', async (_eps, b) => {
    const graph = boundGraphFromOnnx(readFileSync(referencePath('mnist/cnn.onnx')), [1, 28, 28]);
    const r = await certifyRobustness(graph, x, labels, { method: 'ibp', epsilon: b.epsilon });
    b.lower.flat().forEach((v, i) => expect(Math.abs(r.lower[i]! - v)).toBeLessThan(1e-9));
    b.upper.flat().forEach((v, i) => expect(Math.abs(r.upper[i]! - v)).toBeLessThan(1e-9));
  });
});
