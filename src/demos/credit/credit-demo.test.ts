import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findColumn } from '../../data/table.js';
import type { CategoricalColumn, NumericColumn } from '../../data/table.js';
import { rawMatrixFromTable } from '../../encode/raw-matrix.js';
import { isDifferentiable, isStochastic, isTrainable } from '../../model/capabilities.js';
import { matchPredicates } from '../../data/predicate.js';
import { labelCodes } from '../splits.js';
import { loadDemo } from '../index.js';
import { loadCreditDemo } from './index.js';
import type { CreditDemo } from './index.js';

/** Test-split error rate inside a mask, and outside every mask. */
function errorRates(demo: CreditDemo, p: Float32Array, masks: Uint8Array[]): { inside: number[]; outside: number; overall: number } {
  const y = labelCodes(demo.table, 'repaid');
  const split = (findColumn(demo.table, 'split') as CategoricalColumn).codes;
  const inside = masks.map(() => [0, 0]);
  let out = [0, 0], all = [0, 0];
  for (let i = 0; i < demo.table.nRows; i++) {
    if (split[i] !== 1) continue;
    const err = (p[2 * i + 1]! > 0.5 ? 1 : 0) !== y[i] ? 1 : 0;
    all = [all[0]! + err, all[1]! + 1];
    let any = false;
    masks.forEach((m, k) => {
      if (!m[i]) return;
      any = true;
      inside[k]![0]! += err;
      inside[k]![1]! += 1;
    });
    if (!any) out = [out[0]! + err, out[1]! + 1];
  }
  return { inside: inside.map(([e, n]) => e! / n!), outside: out[0]! / out[1]!, overall: all[0]! / all[1]! };
}

describe('credit demo', () => {
  it('loads the committed model, and its planted defects are measurable', async () => {
    const demo = (await loadDemo('credit', { seed: 0 })) as CreditDemo;
    expect(demo.modelSource).toBe('artifact');
    expect(demo.inputs.shape).toEqual([10_000, 28]);
    expect(isDifferentiable(demo.model) && isTrainable(demo.model) && isStochastic(demo.model)).toBe(true);
    const p = await demo.model.predict(demo.inputs);
    const masks = demo.groundTruth.weakSlices.map((s) => matchPredicates(demo.table, s.predicates));
    const rates = errorRates(demo, p, masks);
    expect(rates.overall).toBeLessThan(0.15);
    // (a) the weak subgroup and (d) the noisy income range: far worse than the rest
    for (const r of rates.inside) expect(r).toBeGreaterThan(3 * rates.outside);
    // (b) selection-rate gap between genders on the test split
    const gender = (findColumn(demo.table, 'gender') as CategoricalColumn).codes;
    const split = (findColumn(demo.table, 'split') as CategoricalColumn).codes;
    const sel = [0, 0], n = [0, 0];
    for (let i = 0; i < demo.table.nRows; i++) {
      if (split[i] !== 1) continue;
      n[gender[i]!]! += 1;
      sel[gender[i]!]! += p[2 * i + 1]! > 0.5 ? 1 : 0;
    }
    expect(sel[1]! / n[1]! - sel[0]! / n[0]!).toBeGreaterThan(0.07);
    // (c) the leak: correlation with the label far above any honest feature's
    const y = labelCodes(demo.table, 'repaid');
    const corr = (values: Float64Array): number => {
      let mx = 0, my = 0;
      for (let i = 0; i < y.length; i++) {
        mx += values[i]!;
        my += y[i]!;
      }
      mx /= y.length;
      my /= y.length;
      let sxy = 0, sxx = 0, syy = 0;
      for (let i = 0; i < y.length; i++) {
        const dx = values[i]! - mx, dy = y[i]! - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
      }
      return sxy / Math.sqrt(sxx * syy);
    };
    const leak = Math.abs(corr((findColumn(demo.table, 'account_closed_flag') as NumericColumn).values));
    expect(leak).toBeGreaterThan(0.6);
    for (const name of ['income', 'debt_to_income', 'num_late_payments']) expect(Math.abs(corr((findColumn(demo.table, name) as NumericColumn).values))).toBeLessThan(leak - 0.2);
    // the model leans on it: flipping the flag (in raw rows, then encoding) moves predictions a lot
    const rows = 500;
    const raw = rawMatrixFromTable(demo.table, demo.encoder!.features);
    const j = demo.encoder!.features.findIndex((f) => f.name === 'account_closed_flag');
    const head = { data: raw.data.slice(0, rows * raw.nFeatures), nRows: rows, nFeatures: raw.nFeatures };
    for (let i = 0; i < rows; i++) head.data[i * raw.nFeatures + j] = 1 - head.data[i * raw.nFeatures + j]!;
    const pf = await demo.model.predict({ data: demo.encoder!.encode(head), shape: [rows, demo.encoder!.outputWidth] });
    let shift = 0;
    for (let i = 0; i < rows; i++) shift += Math.abs(pf[2 * i + 1]! - p[2 * i + 1]!);
    expect(shift / rows).toBeGreaterThan(0.2);
  });

  it('trains a fresh model when no artifact matches, deterministically', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'glassbox-credit-'));
    try {
      const messages: string[] = [];
      const options = { seed: 5, rows: 1500, modelDir: join(dir, 'none'), onProgress: (p: { message: string }) => messages.push(p.message) };
      const a = await loadCreditDemo({ ...options, saveTo: join(dir, 'saved') });
      const b = await loadCreditDemo(options);
      expect(a.modelSource).toBe('trained');
      expect(messages[0]).toMatch(/training one now/);
      const pa = await a.model.predict(a.inputs);
      expect(pa).toEqual(await b.model.predict(b.inputs));
      const c = await loadCreditDemo({ ...options, modelDir: join(dir, 'saved') });
      expect(c.modelSource).toBe('artifact');
      expect(await c.model.predict(c.inputs)).toEqual(pa);
      // different data → the saved artifact is not reused
      const d = await loadCreditDemo({ ...options, seed: 6, modelDir: join(dir, 'saved') });
      expect(d.modelSource).toBe('trained');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown demo name with the list of demos', async () => {
    await expect(loadDemo('mnist')).rejects.toMatchObject({ code: 'invalid_argument', details: { hint: expect.stringContaining('credit') } });
  });
});
