import { describe, expect, it } from 'vitest';
import { pipeline } from '../model/pipeline.js';
import { Rng } from '../rng.js';
import { fnModel, linearModel, mixedFixture, rawMatrix, tinyEncoder } from '../../test/conformance/fixtures.js';
import { exactShapley } from './exact-shapley.js';

const numeric = (n: number) => tinyEncoder(Array.from({ length: n }, (_, i) => ({ name: `x${i}`, type: 'numeric' as const })));

function intRows(rng: Rng, n: number, f: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: f }, () => rng.int(9) - 4));
}

describe('exactShapley', () => {
  it('equals w ⊙ (x − E[background]) on a linear model', async () => {
    const w = [3, -2, 0, 5, 1];
    const rng = new Rng(3);
    const bg = rawMatrix(intRows(rng, 8, 5));
    const x = rawMatrix(intRows(rng, 3, 5));
    const a = await exactShapley().explain(pipeline(linearModel(w, 2), numeric(5)), x, { background: bg });
    for (let r = 0; r < 3; r++) {
      for (let j = 0; j < 5; j++) {
        let mean = 0;
        for (let b = 0; b < 8; b++) mean += bg.data[b * 5 + j]!;
        mean /= 8;
        expect(a.values[r * 5 + j]).toBeCloseTo(w[j]! * (x.data[r * 5 + j]! - mean), 9);
      }
    }
  });

  it('is efficient, gives a dummy feature 0 and symmetric features equal values', async () => {
    // f depends on x0 and x1 symmetrically, on x3 nonlinearly, never on x2.
    const model = fnModel(4, 1, (r) => [Math.tanh(r[0]! + r[1]!) * r[3]! + r[0]! * r[1]!]);
    const rng = new Rng(5);
    const bgRows = Array.from({ length: 10 }, () => {
      const s = rng.normal();
      return [s, s, rng.normal(), rng.normal()];
    });
    const x = rawMatrix([[0.7, 0.7, -1.3, 2.1]]);
    const a = await exactShapley().explain(pipeline(model, numeric(4)), x, { background: rawMatrix(bgRows) });
    const sum = a.values.reduce((s, v) => s + v, 0);
    expect(Math.abs(sum - (a.outputs[0]! - a.baseValues[0]!))).toBeLessThan(1e-9);
    expect(Math.abs(a.delta![0]!)).toBeLessThan(1e-9);
    expect(a.values[2]).toBe(0);
    expect(Math.abs(a.values[0]! - a.values[1]!)).toBeLessThan(1e-12);
  });

  it('holds non-players at the explained row and refuses too many players', async () => {
    const { pipe, x, background } = mixedFixture();
    const a = await exactShapley().explain(pipe, x, { background, features: [0, 2] });
    expect(a.shape).toEqual([4, 2]);
    expect(a.featureNames).toEqual(['a', 'colour']);
    for (let r = 0; r < 4; r++) expect(Math.abs(a.delta![r]!)).toBeLessThan(1e-9);
    await expect(exactShapley({ maxPlayers: 3 }).explain(pipe, x, { background })).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('rejects bad options and missing background with specific errors', async () => {
    expect(() => exactShapley({ maxPlayers: 0 })).toThrow(/maxPlayers/);
    const { pipe, x } = mixedFixture();
    await expect(exactShapley().explain(pipe, x, {})).rejects.toMatchObject({ code: 'invalid_argument', details: { argument: 'background' } });
  });
});
