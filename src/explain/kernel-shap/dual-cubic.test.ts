import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { cubicDesign } from './cubic-design.js';
import { fitDualCubic, fitDualSurrogate } from './dual-cubic.js';
import { prepareDesign, solvePrepared } from './pair-regression.js';
import { planPairs } from './pair-sampler.js';

/** A random odd game on ±1 coordinates: linear, three-way and five-way terms. */
function oddGame(m: number, rng: Rng): (side: Uint8Array) => number {
  const lin = Array.from({ length: m }, () => rng.normal());
  const terms = Array.from({ length: 40 }, () => ({ set: rng.permutation(m).subarray(0, rng.next() < 0.7 ? 3 : 5), c: 0.3 * rng.normal() }));
  return (side) => {
    const s = (i: number): number => (side[i] === 1 ? 1 : -1);
    let v = 0;
    for (let i = 0; i < m; i++) v += lin[i]! * s(i);
    for (const t of terms) v += t.c * t.set.reduce((p, i) => p * s(i), 1);
    return v;
  };
}

describe('fitDualCubic', () => {
  it('with equal heredity weights is the primal ridge fit on all three-way terms (fewer pairs than terms)', () => {
    const m = 12;
    const rng = new Rng(5);
    const plan = planPairs(m, 300, rng);
    const game = oddGame(m, rng);
    const u = Float64Array.from({ length: plan.nPairs }, (_, q) => game(plan.sides.subarray(q * m, (q + 1) * m)));
    const total = game(new Uint8Array(m).fill(1));
    const triples: number[] = [];
    for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) for (let c = b + 1; c < m; c++) triples.push(a, b, c);
    expect(plan.nPairs).toBeLessThan(m + triples.length / 3);
    const ridge = 0.01;
    const primal = prepareDesign({ plan, nPairs: plan.nPairs, weights: new Float64Array(plan.nPairs).fill(1 / plan.nPairs), design: cubicDesign(plan, plan.nPairs, Int32Array.from(triples)), ridge })!;
    const want = solvePrepared(primal, u, total, false).phi;
    const dual = fitDualCubic(plan, plan.nPairs, u, total, new Float64Array(m).fill(1), ridge, Int32Array.of(20, 40))!;
    // the primal leaves the linear part unpenalised, the dual gives it a prior 1000× wider: agreement to ~1e-3
    const scale = Math.max(...want.map(Math.abs));
    for (let i = 0; i < m; i++) expect(Math.abs(dual.phi[i]! - want[i]!)).toBeLessThan(2e-3 * scale);
    let sum = 0;
    for (const v of dual.phi) sum += v;
    expect(sum).toBeCloseTo(total, 8);
    expect(dual.looInflation).toBeGreaterThanOrEqual(1);
  });

  it('recovers a game made of three-way terms among high-main-effect players better with heredity weights than without', () => {
    const m = 14;
    const rng = new Rng(8);
    const plan = planPairs(m, 400, rng);
    // main effects: players 0–3 large, the rest small; three-way terms only among 0–3
    const main = Array.from({ length: m }, (_, i) => (i < 4 ? 1 : 0.02));
    const sets = [[0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3]];
    const value = (side: ArrayLike<number>): number => {
      const s = (i: number): number => (side[i] === 1 ? 1 : -1);
      let v = 0;
      for (let i = 0; i < m; i++) v += main[i]! * s(i);
      for (const t of sets) v += 0.4 * s(t[0]!) * s(t[1]!) * s(t[2]!);
      return v;
    };
    const u = Float64Array.from({ length: plan.nPairs }, (_, q) => value(plan.sides.subarray(q * m, (q + 1) * m)));
    const total = value(new Array<number>(m).fill(1));
    const exact = main.map((a, i) => a + (i < 4 ? (3 * 0.4) / 3 : 0));
    const error = (omega: Float64Array): number => {
      const fit = fitDualCubic(plan, plan.nPairs, u, total, omega, 0.01, Int32Array.of(30))!;
      return fit.phi.reduce((s, v, i) => s + Math.abs(v - exact[i]!), 0);
    };
    const heredity = Float64Array.from(main, (a) => Math.cbrt(a));
    expect(error(heredity)).toBeLessThan(0.5 * error(new Float64Array(m).fill(1)));
  });

  it('chooses five-way terms by marginal likelihood when the game has them, and not when it has none', () => {
    const m = 12;
    const rng = new Rng(13);
    const plan = planPairs(m, 400, rng);
    const priors = [0, 0.1, 0.3].map((fiveWay) => ({ ridge: 0.01, fiveWay }));
    const chosen = (order: number): number => {
      const terms = Array.from({ length: 60 }, () => ({ set: rng.permutation(m).subarray(0, order), c: 0.5 * rng.normal() }));
      const value = (side: ArrayLike<number>): number => {
        const s = (i: number): number => (side[i] === 1 ? 1 : -1);
        let v = 0;
        for (let i = 0; i < m; i++) v += s(i);
        for (const t of terms) v += t.c * t.set.reduce((p, i) => p * s(i), 1);
        return v;
      };
      const u = Float64Array.from({ length: plan.nPairs }, (_, q) => value(plan.sides.subarray(q * m, (q + 1) * m)));
      return fitDualSurrogate(plan, plan.nPairs, u, value(new Array<number>(m).fill(1)), new Float64Array(m).fill(1), priors, Int32Array.of(30))!.prior.fiveWay;
    };
    expect(chosen(3)).toBe(0);
    expect(chosen(5)).toBeGreaterThan(0);
  });
});
