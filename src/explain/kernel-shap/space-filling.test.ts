import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { binomial } from '../exact-shapley.js';
import { ThreeWayPotential } from './space-filling.js';

/** Σ_{|T|=3} χ_T(a)χ_T(b) / C(M, 3) by listing the terms (sides as 0/1, χ in ±1). */
function bruteCorrelation(a: readonly number[], b: readonly number[]): number {
  const m = a.length;
  const x = a.map((v, i) => (v === b[i] ? 1 : -1));
  let sum = 0;
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) for (let k = j + 1; k < m; k++) sum += x[i]! * x[j]! * x[k]!;
  return sum / binomial(m, 3);
}

function randomSide(m: number, rng: Rng): number[] {
  return Array.from({ length: m }, () => (rng.next() < 0.5 ? 1 : 0));
}

describe('ThreeWayPotential', () => {
  it.each([7, 16, 37])('equals the sum of squared three-way kernel correlations listed term by term (%i players)', (m) => {
    const rng = new Rng(m);
    const chosen = Array.from({ length: 9 }, () => randomSide(m, rng));
    const potential = new ThreeWayPotential(m, 2);
    for (const side of chosen) potential.add(side);
    for (let t = 0; t < 5; t++) {
      const candidate = randomSide(m, rng);
      const expected = chosen.reduce((s, c) => s + bruteCorrelation(c, candidate) ** 2, 0);
      expect(potential.score(candidate)).toBeCloseTo(expected, 12);
    }
  });

  it('is the same for a side and its complement (the pair it stands for)', () => {
    const m = 12;
    const rng = new Rng(3);
    const potential = new ThreeWayPotential(m, 4);
    for (let t = 0; t < 4; t++) potential.add(randomSide(m, rng));
    const side = randomSide(m, rng);
    expect(potential.score(side.map((v) => 1 - v))).toBeCloseTo(potential.score(side), 12);
  });

  it('gives a chosen side its full weight: ρ₃(s, s)² = 1', () => {
    const side = randomSide(10, new Rng(5));
    const potential = new ThreeWayPotential(10, 1);
    potential.add(side);
    expect(potential.score(side)).toBeCloseTo(1, 12);
  });
});
