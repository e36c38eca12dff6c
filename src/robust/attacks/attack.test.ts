import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centralDifferences, crossEntropy64, mlpLogits64, mlpOnnx, randomMlp, randomValues, type MlpWeights } from '../../../test/support/tiny-nets.js';
import { loadOnnxGradModel } from '../../model/onnx-grad/load.js';
import type { OnnxGradModel } from '../../model/onnx-grad/adapter.js';
import { Rng } from '../../rng.js';
import { runAttack } from './attack.js';
import { tabularBounds, uniformBounds } from './bounds.js';

/**
 * An independent, plain implementation of torchattacks' FGSM / PGD (L∞, L2) over float64 central-difference
 * gradients of the float64 loss: vectors are whole arrays, each torch op one pass rounded to float32.
 */
function referenceAttack(w: MlpWeights, x: Float32Array, labels: Int32Array, method: 'fgsm' | 'pgd', norm: 'linf' | 'l2', eps: number, alpha: number, steps: number): Float32Array {
  const d = w.inputs;
  const out = new Float32Array(x.length);
  const e32 = Math.fround(eps);
  const a32 = Math.fround(alpha);
  for (let r = 0; r < labels.length; r++) {
    const images = x.slice(r * d, (r + 1) * d);
    const grad = (p: Float32Array): Float64Array => centralDifferences((q) => crossEntropy64(mlpLogits64(w, q), labels[r]!), p, 1e-6);
    const clamp = (v: Float32Array, lo: number, hi: number): Float32Array => v.map((t) => Math.min(Math.max(t, lo), hi));
    let adv: Float32Array = Float32Array.from(images);
    const iterations = method === 'fgsm' ? 1 : steps;
    for (let s = 0; s < iterations; s++) {
      const g = grad(adv);
      if (method === 'fgsm') {
        adv = clamp(images.map((v, j) => v + e32 * Math.sign(g[j]!)), 0, 1);
      } else if (norm === 'linf') {
        const stepped = adv.map((v, j) => v + a32 * Math.sign(g[j]!));
        const delta = clamp(stepped.map((v, j) => v - images[j]!), -e32, e32);
        adv = clamp(images.map((v, j) => v + delta[j]!), 0, 1);
      } else {
        const g32 = Float32Array.from(g);
        const gn = Math.fround(Math.fround(Math.hypot(...g32)) + 1e-10);
        const stepped = adv.map((v, j) => v + a32 * Math.fround(g32[j]! / gn));
        let delta = stepped.map((v, j) => v - images[j]!);
        const factor = Math.min(Math.fround(e32 / Math.fround(Math.hypot(...delta))), 1);
        delta = delta.map((v) => v * factor);
        adv = clamp(images.map((v, j) => v + delta[j]!), 0, 1);
      }
    }
    out.set(adv, r * d);
  }
  return out;
}

describe('FGSM and PGD on a tiny MLP (onnxruntime gradients) against a plain implementation over finite differences', () => {
  const w = randomMlp(21, 6, 8, 3);
  let model: OnnxGradModel;
  const n = 12;
  const x = randomValues(new Rng(5), n * 6, 0.5).map((v) => v + 0.5);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);

  beforeAll(async () => {
    model = await loadOnnxGradModel(mlpOnnx(w, 'none'), { engine: 'onnxruntime', backend: 'cpu' });
  });
  afterAll(async () => model?.dispose());

  it('FGSM equals the plain implementation bit for bit', async () => {
    const ours = await runAttack(model, { data: x, shape: [n, 6] }, labels, { method: 'fgsm', epsilon: 0.1 });
    expect(Array.from(ours.adversarial)).toEqual(Array.from(referenceAttack(w, x, labels, 'fgsm', 'linf', 0.1, 0, 1)));
    expect(ours.maxPerturbation).toBeLessThanOrEqual(0.1 + 6e-8); // x + ε rounds to float32: half an ulp of 1 at most
  });

  it('PGD L∞ without random start equals the plain implementation bit for bit', async () => {
    const ours = await runAttack(model, { data: x, shape: [n, 6] }, labels, { method: 'pgd', epsilon: 0.15, stepSize: 0.03, steps: 7, randomStart: false });
    expect(Array.from(ours.adversarial)).toEqual(Array.from(referenceAttack(w, x, labels, 'pgd', 'linf', 0.15, 0.03, 7)));
    expect(ours.settings).toMatchObject({ method: 'pgd', norm: 'linf', epsilon: 0.15, stepSize: 0.03, steps: 7, randomStart: false });
  });

  it('PGD L2 without random start matches the plain implementation within 1e-6', async () => {
    const ours = await runAttack(model, { data: x, shape: [n, 6] }, labels, { method: 'pgd', norm: 'l2', epsilon: 0.4, stepSize: 0.1, steps: 6, randomStart: false });
    const ref = referenceAttack(w, x, labels, 'pgd', 'l2', 0.4, 0.1, 6);
    for (let k = 0; k < ref.length; k++) expect(Math.abs(ours.adversarial[k]! - ref[k]!)).toBeLessThan(1e-6);
    expect(ours.maxPerturbation).toBeLessThanOrEqual(0.4 * (1 + 1e-6));
  });

  it('stays in the ε-ball and the clip range, raises the loss, and never raises accuracy', async () => {
    for (const norm of ['linf', 'l2'] as const) {
      const eps = norm === 'linf' ? 0.2 : 0.5;
      const result = await runAttack(model, { data: x, shape: [n, 6] }, labels, { method: 'pgd', norm, epsilon: eps, steps: 10, seed: 3 });
      expect(result.maxPerturbation).toBeLessThanOrEqual(eps * (1 + 1e-6) + 6e-8);
      for (const v of result.adversarial) expect(v >= 0 && v <= 1).toBe(true);
      const before = await model.lossGradients({ data: x, shape: [n, 6] }, labels);
      const after = await model.lossGradients({ data: result.adversarial, shape: [n, 6] }, labels);
      expect(after.loss.reduce((a, b) => a + b, 0)).toBeGreaterThan(before.loss.reduce((a, b) => a + b, 0));
      expect(result.accuracyAfter).toBeLessThanOrEqual(result.accuracyBefore);
    }
  });

  it('random start is seeded: same seed, same bytes; another seed, other bytes', async () => {
    const run = (seed: number) => runAttack(model, { data: x, shape: [n, 6] }, labels, { method: 'pgd', epsilon: 0.1, steps: 2, seed });
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(Buffer.from(a.adversarial.buffer).equals(Buffer.from(b.adversarial.buffer))).toBe(true);
    expect(Buffer.from(a.adversarial.buffer).equals(Buffer.from(c.adversarial.buffer))).toBe(false);
  });

  it('sign(0) = 0: an input the model ignores is never moved', async () => {
    const dead = { ...w, w1: w.w1.map((v, i) => (Math.floor(i / w.hidden) === 2 ? 0 : v)) };
    const m = await loadOnnxGradModel(mlpOnnx(dead, 'none'), { engine: 'onnxruntime', backend: 'cpu' });
    const result = await runAttack(m, { data: x, shape: [n, 6] }, labels, { method: 'fgsm', epsilon: 0.3 });
    for (let r = 0; r < n; r++) expect(result.adversarial[r * 6 + 2]).toBe(x[r * 6 + 2]);
    await m.dispose();
  });

  it('tabular bounds: numeric columns stay in the reference range, one-hot columns stay frozen', async () => {
    const columns = [
      { offset: 0, width: 3, type: 'numeric' as const },
      { offset: 3, width: 3, type: 'categorical' as const },
    ];
    const oneHot = Float32Array.from(x);
    for (let r = 0; r < n; r++) oneHot.set([r % 3 === 0 ? 1 : 0, r % 3 === 1 ? 1 : 0, r % 3 === 2 ? 1 : 0], r * 6 + 3);
    const bounds = tabularBounds(columns, oneHot, 6);
    const result = await runAttack(model, { data: oneHot, shape: [n, 6] }, labels, { method: 'pgd', epsilon: 2, steps: 5, seed: 0 }, { bounds });
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < 3; j++) {
        expect(result.adversarial[r * 6 + j]!).toBeGreaterThanOrEqual(bounds.lower[j]!);
        expect(result.adversarial[r * 6 + j]!).toBeLessThanOrEqual(bounds.upper[j]!);
      }
      for (let j = 3; j < 6; j++) expect(result.adversarial[r * 6 + j]).toBe(oneHot[r * 6 + j]);
    }
  });

  it('rejects inputs outside the clip range and labels that are not classes, naming the row', async () => {
    const bad = Float32Array.from(x);
    bad[13] = 1.5;
    await expect(runAttack(model, { data: bad, shape: [n, 6] }, labels, { method: 'fgsm', epsilon: 0.1 })).rejects.toThrow(/row 2, element 1 = 1.5 lies outside/);
    await expect(runAttack(model, { data: x, shape: [n, 6] }, labels.map(() => 5), { method: 'fgsm', epsilon: 0.1 })).rejects.toThrow(/label 5 of row 0/);
    await expect(runAttack(model, { data: x, shape: [n, 6] }, labels, { method: 'fgsm', norm: 'l2', epsilon: 0.1 })).rejects.toThrow(/FGSM is an L∞ attack/);
    expect(() => uniformBounds(6, 1, 0)).toThrow(/not an interval/);
  });
});
