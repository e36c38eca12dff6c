import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlpLogits64, mlpOnnx, randomMlp, randomValues, type MlpWeights } from '../../../test/support/tiny-nets.js';
import { loadOnnxGradModel } from '../../model/onnx-grad/load.js';
import type { OnnxGradModel } from '../../model/onnx-grad/adapter.js';
import { Rng } from '../../rng.js';
import { runAttack } from './attack.js';
import { robustAccuracyCurve } from './curve.js';
import { minimalEpsilon } from './min-epsilon.js';
import { classGrouping, groupRobustness, quartileGrouping } from './vulnerability.js';

describe('robust accuracy curve, minimal ε by bisection, vulnerable groups', () => {
  const n = 30;
  const x = randomValues(new Rng(6), n * 6, 0.5).map((v) => v + 0.5);
  // output biases centred on the data, so that decision boundaries cross the unit cube
  const raw = randomMlp(31, 6, 10, 3);
  const mean = [0, 1, 2].map((k) => Array.from({ length: n }, (_, i) => mlpLogits64(raw, x.subarray(i * 6, i * 6 + 6))[k]!).reduce((a, b) => a + b, 0) / n);
  const w: MlpWeights = { ...raw, b2: raw.b2.map((b, k) => b - mean[k]!) };
  let model: OnnxGradModel;
  let labels: Int32Array;

  beforeAll(async () => {
    model = await loadOnnxGradModel(mlpOnnx(w, 'none'), { engine: 'onnxruntime', backend: 'cpu' });
    // the model's own predictions as labels, except every fifth row: most rows start correct
    const p = await model.predict({ data: x, shape: [n, 6] });
    labels = Int32Array.from({ length: n }, (_, i) => {
      const row = Array.from(p.subarray(i * 3, i * 3 + 3));
      const top = row.indexOf(Math.max(...row));
      return i % 5 === 4 ? (top + 1) % 3 : top;
    });
  });
  afterAll(async () => model?.dispose());

  it('the curve starts at the clean accuracy, equals single attacks at each ε, and its intervals cover it', async () => {
    const curve = await robustAccuracyCurve(model, { data: x, shape: [n, 6] }, labels, [0.2, 0, 0.05, 0.1], { method: 'pgd', steps: 5, seed: 1 });
    expect(curve.points.map((p) => p.epsilon)).toEqual([0, 0.05, 0.1, 0.2]);
    expect(curve.points[0]!.accuracy).toBeCloseTo(24 / 30, 10);
    for (const p of curve.points.slice(1)) {
      const single = await runAttack(model, { data: x, shape: [n, 6] }, labels, { method: 'pgd', epsilon: p.epsilon, steps: 5, seed: 1 });
      expect(p.accuracy).toBe(single.accuracyAfter);
      expect(p.interval.low).toBeLessThanOrEqual(p.accuracy);
      expect(p.interval.high).toBeGreaterThanOrEqual(p.accuracy);
    }
  });

  it('FGSM minimal ε: the attack flips at the reported ε and not at ε − tolerance; misclassified rows get 0', async () => {
    const tolerance = 0.005;
    const result = await minimalEpsilon(model, { data: x, shape: [n, 6] }, labels, { method: 'fgsm', epsilon: 1, tolerance });
    const at = async (row: number, eps: number): Promise<boolean> => {
      const r = await runAttack(model, { data: x.slice(row * 6, row * 6 + 6), shape: [1, 6] }, labels.slice(row, row + 1), { method: 'fgsm', epsilon: eps });
      return r.predictionsAfter[0] !== labels[row];
    };
    let checked = 0;
    for (let i = 0; i < n; i++) {
      const e = result.minEpsilon[i]!;
      if (i % 5 === 4) expect(e).toBe(0);
      else if (!Number.isNaN(e)) {
        expect(await at(i, e)).toBe(true);
        expect(await at(i, Math.max(0, e - tolerance))).toBe(false);
        checked++;
      } else expect(await at(i, 1)).toBe(false);
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('per-class robustness sorts the most vulnerable class first and counts every row once', () => {
    const before = Int32Array.from([0, 0, 1, 1, 2, 2]);
    const after = Int32Array.from([1, 0, 1, 1, 0, 0]);
    const y = Int32Array.from([0, 0, 1, 1, 2, 2]);
    const rows = groupRobustness(y, before, after, [classGrouping(y, ['a', 'b', 'c'])]);
    expect(rows.map((r) => r.value)).toEqual(['c', 'a', 'b']);
    expect(rows.map((r) => r.accuracyAfter)).toEqual([0, 0.5, 1]);
    expect(rows[0]!.flipRate).toBe(1);
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(6);
  });

  it('quartile slices put each row in one of four ranges cut at the type-7 quartiles', () => {
    const values = Float64Array.from({ length: 8 }, (_, i) => i);
    const g = quartileGrouping('v', [...values, Number.NaN]);
    expect(g.values).toEqual(['< 1.75', '[1.75, 3.5)', '[3.5, 5.25)', '≥ 5.25']);
    expect(Array.from(g.codes)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, -1]);
  });
});
