import { describe, expect, it } from 'vitest';
import { pipeline } from '../model/pipeline.js';
import { Rng } from '../rng.js';
import { fnModel, mixedFixture, rawMatrix, tinyEncoder } from '../../test/conformance/fixtures.js';
import { exactShapley } from './exact-shapley.js';
import { kernelShap } from './kernel-shap.js';

const numeric = (n: number) => tinyEncoder(Array.from({ length: n }, (_, i) => ({ name: `x${i}`, type: 'numeric' as const })));

/** 12 features, interactions, a dummy (x5): enough players that 2^12 − 2 > the budgets below. */
function wide() {
  const f = 12;
  const model = fnModel(f, 1, (r) => {
    let s = 0;
    for (let i = 0; i < f; i++) if (i !== 5) s += (i % 3 === 0 ? 1 : -0.5) * r[i]!;
    return [Math.tanh(s) + r[0]! * r[1]! - 0.3 * r[2]! * r[3]! * r[4]!];
  });
  const rng = new Rng(9);
  const rows = (n: number) => rawMatrix(Array.from({ length: n }, () => Array.from({ length: f }, () => rng.normal())));
  return { pipe: pipeline(model, numeric(f)), bg: rows(10), x: rows(2) };
}

describe('kernelShap', () => {
  it('equals exact Shapley when the budget enumerates every coalition', async () => {
    const { pipe, x, background } = mixedFixture();
    const exact = await exactShapley().explain(pipe, x, { background });
    const kernel = await kernelShap().explain(pipe, x, { background });
    for (let i = 0; i < exact.values.length; i++) expect(Math.abs(kernel.values[i]! - exact.values[i]!)).toBeLessThan(1e-9);
    expect(Math.max(...kernel.stderr!)).toBe(0);
  });

  it('is efficient to 1e-9 in the sampling regime, and deterministic under a seed', async () => {
    const { pipe, bg, x } = wide();
    const a = await kernelShap({ samples: 300, seed: 4 }).explain(pipe, x, { background: bg });
    for (let r = 0; r < 2; r++) expect(Math.abs(a.delta![r]!)).toBeLessThan(1e-9);
    const b = await kernelShap({ samples: 300, seed: 4 }).explain(pipe, x, { background: bg });
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    const c = await kernelShap({ samples: 300, seed: 5 }).explain(pipe, x, { background: bg });
    expect(Array.from(c.values)).not.toEqual(Array.from(a.values));
  });

  it('gives a dummy feature a value within its sampling error of 0', async () => {
    const { pipe, bg, x } = wide();
    const a = await kernelShap({ samples: 500, seed: 1 }).explain(pipe, x, { background: bg });
    for (let r = 0; r < 2; r++) expect(Math.abs(a.values[r * 12 + 5]!)).toBeLessThan(4 * a.stderr![r * 12 + 5]! + 1e-12);
  });

  it.each(['adjusted', 'paired', 'shap'] as const)('reports standard errors that match the spread over seeds (scheme %s)', async (scheme) => {
    const { pipe, bg, x } = wide();
    const one = rawMatrix([Array.from(x.data.subarray(0, 12))]);
    const runs = await Promise.all(Array.from({ length: 24 }, (_, s) => kernelShap({ samples: 400, seed: s, scheme }).explain(pipe, one, { background: bg })));
    const adjusted = runs.filter((a) => (a.extras as { adjusted: number[] }).adjusted[0]! > 0).length;
    if (scheme === 'adjusted') expect(adjusted).toBeGreaterThan(12);
    else expect(adjusted).toBe(0);
    let ratioSum = 0;
    for (let j = 0; j < 12; j++) {
      const vals = runs.map((a) => a.values[j]!);
      const mean = vals.reduce((s, v) => s + v, 0) / vals.length;
      const sd = Math.sqrt(vals.reduce((s, v) => s + (v - mean) ** 2, 0) / (vals.length - 1));
      const se = runs.reduce((s, a) => s + a.stderr![j]!, 0) / runs.length;
      ratioSum += se / sd;
    }
    const ratio = ratioSum / 12;
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
  });

  it('stops early once the standard errors fall under the tolerance', async () => {
    const { pipe, bg, x } = wide();
    const full = await kernelShap({ samples: 2000, seed: 2 }).explain(pipe, x, { background: bg });
    const early = await kernelShap({ samples: 2000, seed: 2, tolerance: 0.05, checkEvery: 50 }).explain(pipe, x, { background: bg });
    const used = (early.extras as { samples: number[] }).samples;
    expect(used[0]!).toBeLessThan((full.extras as { samples: number[] }).samples[0]!);
    for (let i = 0; i < 12; i++) expect(early.stderr![i]!).toBeLessThan(0.05);
  });

  it('keeps at most numFeatures nonzero values with L1 selection, still efficient', async () => {
    const { pipe, bg, x } = wide();
    const a = await kernelShap({ samples: 400, seed: 3, l1: { numFeatures: 4 } }).explain(pipe, x, { background: bg });
    for (let r = 0; r < 2; r++) {
      const row = a.values.subarray(r * 12, (r + 1) * 12);
      expect(row.filter((v) => v !== 0).length).toBeLessThanOrEqual(4);
      expect(Math.abs(a.delta![r]!)).toBeLessThan(1e-9);
    }
    const aic = await kernelShap({ samples: 400, seed: 3, l1: 'aic' }).explain(pipe, x, { background: bg });
    expect(Math.abs(aic.delta![0]!)).toBeLessThan(1e-9);
  });

  it("refuses L1 selection with a scheme other than 'shap', naming the option", () => {
    expect(() => kernelShap({ l1: 'aic', scheme: 'adjusted' })).toThrow(/scheme.*l1 feature selection is shap's/);
    expect(kernelShap({ l1: 'aic' }).options).toMatchObject({ l1: 'aic' });
  });

  it('gives 0 to features equal to every background value', async () => {
    const { pipe, bg, x } = wide();
    const bgData = Float64Array.from(bg.data);
    for (let b = 0; b < bg.nRows; b++) bgData[b * 12 + 7] = x.data[7]!;
    const a = await kernelShap({ samples: 200 }).explain(pipe, rawMatrix([Array.from(x.data.subarray(0, 12))]), { background: { ...bg, data: bgData } });
    expect(a.values[7]).toBe(0);
  });
});
