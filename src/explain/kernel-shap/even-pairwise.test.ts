import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { fitDualSurrogate } from './dual-cubic.js';
import { evenPairwise } from './even-pairwise.js';
import { DEFAULT_RIDGE, fitPairs } from './pair-fit.js';
import { planPairs, type PairPlan } from './pair-sampler.js';

interface PlantedGame {
  /** v on ±1 coordinates, from a side (1 = present). */
  readonly value: (side: ArrayLike<number>) => number;
  readonly exact: Float64Array;
}

/**
 * Equal main effects (so main-effect heredity says nothing), pairwise terms among players 0–4 and three-way
 * terms among the same players (strong heredity through pairs), a few small pairwise distractors elsewhere.
 */
function plantedHeredity(m: number, rng: Rng): PlantedGame {
  const core = [0, 1, 2, 3, 4];
  const pairs: { i: number; j: number; c: number }[] = [];
  for (let a = 0; a < core.length; a++) for (let b = a + 1; b < core.length; b++) pairs.push({ i: core[a]!, j: core[b]!, c: 0.6 * (rng.next() < 0.5 ? -1 : 1) });
  for (let d = 0; d < 4; d++) pairs.push({ i: 5 + 2 * d, j: 6 + 2 * d, c: 0.05 });
  const triples: { set: number[]; c: number }[] = [];
  for (let a = 0; a < core.length; a++) for (let b = a + 1; b < core.length; b++) for (let c = b + 1; c < core.length; c++) triples.push({ set: [a, b, c], c: 0.3 * rng.normal() });
  const value = (side: ArrayLike<number>): number => {
    const s = (i: number): number => (side[i] === 1 ? 1 : -1);
    let v = 0;
    for (let i = 0; i < m; i++) v += 0.5 * s(i);
    for (const p of pairs) v += p.c * s(p.i) * s(p.j);
    for (const t of triples) v += t.c * s(t.set[0]!) * s(t.set[1]!) * s(t.set[2]!);
    return v;
  };
  // Shapley value of χ_T in ±1 coordinates: 2/|T| to each player of T for odd |T|, 0 for even |T|
  const exact = new Float64Array(m).fill(1);
  for (const t of triples) for (const i of t.set) exact[i]! += (2 * t.c) / 3;
  return { value, exact };
}

/** Odd and even halves of each pair (values relative to v(∅), as kernelShap evaluates them) and u(N). */
function halves(plan: PairPlan, value: PlantedGame['value']): { u: Float64Array; w: Float64Array; total: number } {
  const m = plan.m;
  const empty = value(new Uint8Array(m));
  const u = new Float64Array(plan.nPairs);
  const w = new Float64Array(plan.nPairs);
  const other = new Uint8Array(m);
  for (let q = 0; q < plan.nPairs; q++) {
    const side = plan.sides.subarray(q * m, (q + 1) * m);
    for (let i = 0; i < m; i++) other[i] = side[i] === 1 ? 0 : 1;
    const a = value(side) - empty;
    const b = value(other) - empty;
    u[q] = a - b;
    w[q] = a + b;
  }
  return { u, w, total: value(new Uint8Array(m).fill(1)) - empty };
}

const error = (phi: Float64Array, exact: Float64Array): number => phi.reduce((s, v, i) => s + Math.abs(v - exact[i]!), 0) / phi.length;

describe('evenPairwise', () => {
  it('finds the planted pairwise interactions in the even halves of the pairs', () => {
    const m = 14;
    const rng = new Rng(3);
    const game = plantedHeredity(m, rng);
    const plan = planPairs(m, 512, rng);
    const { w, total } = halves(plan, game.value);
    const c = evenPairwise(plan, plan.nPairs, w, total)!;
    let planted = Infinity;
    let other = 0;
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        if (i < 5 && j < 5) planted = Math.min(planted, c[i * m + j]!);
        else other = Math.max(other, c[i * m + j]!);
        expect(c[j * m + i]).toBe(c[i * m + j]);
      }
      expect(c[i * m + i]).toBe(0);
    }
    // w = 2Σ a_ij χ_ij + const: planted |2·0.6| (shrunk by the ridge) against distractors 2·0.05 and zeros
    // (measured: smallest planted 0.70, largest other 0.25)
    expect(planted).toBeGreaterThan(2 * other);
  });
});

describe('pairwise heredity prior of the dual surrogate', () => {
  it('beats the main-effect prior when three-way terms sit among players with large pairwise interactions', () => {
    const m = 14;
    let withPairs = 0;
    let mainOnly = 0;
    for (let seed = 0; seed < 4; seed++) {
      const rng = new Rng(100 + seed);
      const game = plantedHeredity(m, rng);
      const plan = planPairs(m, 512, rng);
      expect(plan.nPairs).toBeLessThan(m + (m * (m - 1) * (m - 2)) / 6);
      const { u, w, total } = halves(plan, game.value);
      withPairs += error(fitPairs(plan, plan.nPairs, u, total, { adjust: true, ridge: DEFAULT_RIDGE, even: w }).phi, game.exact);
      mainOnly += error(fitPairs(plan, plan.nPairs, u, total, { adjust: true, ridge: DEFAULT_RIDGE }).phi, game.exact);
    }
    // measured 0.05×
    expect(withPairs).toBeLessThan(0.5 * mainOnly);
  });

  it('keeps Σφ = u(N) exactly', () => {
    const m = 12;
    const rng = new Rng(9);
    const game = plantedHeredity(m, rng);
    const plan = planPairs(m, 400, rng);
    const { u, w, total } = halves(plan, game.value);
    const phi = fitPairs(plan, plan.nPairs, u, total, { adjust: true, ridge: DEFAULT_RIDGE, even: w }).phi;
    expect(phi.reduce((s, v) => s + v, 0)).toBeCloseTo(total, 10);
  });

  it('with per-term weights equal to the main-effect ones gives the main-effect fit (the Walsh–Hadamard kernel and Shapley map)', () => {
    const m = 11;
    const rng = new Rng(21);
    const game = plantedHeredity(m, rng);
    const plan = planPairs(m, 300, rng);
    const { u, total } = halves(plan, game.value);
    const omega = Float64Array.from({ length: m }, () => 0.2 + rng.next());
    const triples: number[] = [];
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) for (let k = j + 1; k < m; k++) triples.push(omega[i]! * omega[j]! * omega[k]!);
    const priors = [{ ridge: 0.01, fiveWay: 0.1 }];
    const main = fitDualSurrogate(plan, plan.nPairs, u, total, omega, priors, Int32Array.of(10), { wantTriples: true })!;
    const replaced = fitDualSurrogate(plan, plan.nPairs, u, total, omega, priors.map((p) => ({ ...p, pairMix: 1 })), Int32Array.of(10), { triples: Float64Array.from(triples), wantTriples: true })!;
    expect(replaced.prior.pairMix).toBe(1);
    const scale = Math.max(...main.phi.map(Math.abs));
    for (let i = 0; i < m; i++) expect(replaced.phi[i]).toBeCloseTo(main.phi[i]!, 10 - Math.ceil(Math.log10(scale)));
    for (let t = 0; t < triples.length; t++) expect(replaced.tripleMeans![t]).toBeCloseTo(main.tripleMeans![t]!, 10);
    expect(replaced.logLikelihood).toBeCloseTo(main.logLikelihood, 8);
  });
});
