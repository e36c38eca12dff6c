import { describe, expect, it } from 'vitest';
import { rawMatrixFromTable } from '../../encode/raw-matrix.js';
import { pipeline } from '../../model/pipeline.js';
import { tinySession } from '../../../test/support/dashboard-session.js';
import { diceCounterfactuals } from './dice-genetic.js';
import { measureFeatureSpace } from './feature-space.js';
import { nearestCounterfactual } from './nearest.js';

const session = tinySession(200);
const pipe = pipeline(session.model, session.encoder!);
const data = rawMatrixFromTable(session.table, session.encoder!.features);
// p(yes) = σ(0.1·(age − 40) + 0.05·(income − 50) + 1.5·[group = b]); features: age, income, group (code 0 = a, 1 = b)
const pYes = (row: ArrayLike<number>): number => 1 / (1 + Math.exp(-(0.1 * (row[0]! - 40) + 0.05 * (row[1]! - 50) + 1.5 * row[2]!)));
const query = { data: Float64Array.from([30, 40, 0]), nRows: 1, nFeatures: 3 }; // p(yes) = σ(−1.5): predicted "no"

describe('nearestCounterfactual (What-If Tool)', () => {
  it('returns the closest data row predicted as the other class, by L1 on MAD-normalised features', async () => {
    const result = await nearestCounterfactual(pipe, query, { data, rowIds: session.table.rowIds }, { count: 3 });
    expect(result.query.predictedClass).toBe(0);
    expect(result.desiredClass).toBe(1);
    const space = measureFeatureSpace(session.encoder!.features, data, 'mad');
    const dist = (i: number): number => Math.abs(data.data[i * 3]! - 30) / space.scale[0]! + Math.abs(data.data[i * 3 + 1]! - 40) / space.scale[1]! + (data.data[i * 3 + 2] === 0 ? 0 : 1);
    // at exactly p = 0.5 the outputs tie and argmax keeps "no", hence > 0.5
    const oracle = Array.from({ length: data.nRows }, (_, i) => i).filter((i) => pYes(data.data.subarray(i * 3, i * 3 + 3)) > 0.5).sort((a, b) => dist(a) - dist(b) || a - b);
    expect(result.counterfactuals.map((c) => c.rowId)).toEqual(oracle.slice(0, 3).map((i) => session.table.rowIds[i]));
    for (const c of result.counterfactuals) {
      expect(c.predictedClass).toBe(1);
      expect(c.outputs[1]).toBeCloseTo(pYes(c.values), 6);
    }
    expect(result.counterfactuals[0]!.distance).toBeCloseTo(dist(oracle[0]!), 10);
  });

  it('measures L2 on range-normalised features when asked', async () => {
    const result = await nearestCounterfactual(pipe, query, { data }, { metric: 'l2', normalisation: 'range' });
    const c = result.counterfactuals[0]!;
    const expected = Math.hypot((c.values[0]! - 30) / (69 - 20), (c.values[1]! - 40) / (99 - 20), c.values[2] === 0 ? 0 : 1);
    expect(c.distance).toBeCloseTo(expected, 10);
  });
});

describe('diceCounterfactuals (DiCE, genetic)', () => {
  it('returns several verified, feasible counterfactuals that respect immutable features and are sparse', async () => {
    const result = await diceCounterfactuals(pipe, query, { data }, { count: 3, immutable: ['group'], seed: 1 });
    expect(result.counterfactuals.length).toBe(3);
    expect(result.immutable).toEqual(['group']);
    for (const c of result.counterfactuals) {
      expect(pYes(c.values)).toBeGreaterThanOrEqual(0.5);
      expect(c.outputs[1]).toBeCloseTo(pYes(c.values), 6);
      expect(c.values[2]).toBe(0);
      expect(c.changed).not.toContain('group');
      expect(c.values[0]).toBeGreaterThanOrEqual(20);
      expect(c.values[0]).toBeLessThanOrEqual(69);
      expect(Number.isInteger(c.values[0])).toBe(true); // age holds integers in the data
      expect(c.values[1]).toBeGreaterThanOrEqual(20);
      expect(c.values[1]).toBeLessThanOrEqual(99);
      // sparse: reverting any one change loses the desired class
      if (c.changed.length > 1) {
        for (const name of c.changed) {
          const j = ['age', 'income', 'group'].indexOf(name);
          const reverted = Float64Array.from(c.values, (v, k) => (k === j ? query.data[k]! : v));
          expect(pYes(reverted), `${name} of ${Array.from(c.values).join(',')}`).toBeLessThan(0.5);
        }
      }
    }
    const distinct = new Set(result.counterfactuals.map((c) => Array.from(c.values).join(',')));
    expect(distinct.size).toBe(3);
    expect(result.diversity).toBeGreaterThan(0);
  });

  it('changes only the mutable features and is deterministic under its seed', async () => {
    const a = await diceCounterfactuals(pipe, query, { data }, { count: 2, mutable: ['income'], seed: 7 });
    const b = await diceCounterfactuals(pipe, query, { data }, { count: 2, mutable: ['income'], seed: 7 });
    expect(a.counterfactuals.length).toBeGreaterThan(0);
    for (const c of a.counterfactuals) expect(c.changed).toEqual(['income']);
    expect(a.counterfactuals.map((c) => Array.from(c.values))).toEqual(b.counterfactuals.map((c) => Array.from(c.values)));
  });

  it('says so when the immutable features make the desired class unreachable', async () => {
    // with age and group fixed at 30 and a, income ≤ 99 gives z ≤ −1 + 2.45 > 0: reachable; fix income too and nothing can change
    const none = await diceCounterfactuals(pipe, query, { data }, { immutable: ['age', 'income', 'group'] });
    expect(none.counterfactuals).toEqual([]);
    expect(none.notes[0]).toMatch(/immutable/);
    const unreachable = await diceCounterfactuals(pipe, { data: Float64Array.from([20, 20, 0]), nRows: 1, nFeatures: 3 }, { data }, { mutable: ['group'], count: 2 });
    // z = −2 − 1.5 + 1.5 = −2 < 0 even with group b
    expect(unreachable.counterfactuals).toEqual([]);
    expect(unreachable.notes.join(' ')).toMatch(/Found 0 of the 2/);
  });

  it('refuses an unknown immutable feature by name', async () => {
    await expect(diceCounterfactuals(pipe, query, { data }, { immutable: ['agee'] })).rejects.toThrow(/immutable: "agee" is not a feature \(known: age, income, group\)/);
  });
});
