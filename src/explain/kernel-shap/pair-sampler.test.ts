import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { planPairs } from './pair-sampler.js';
import { ThreeWayPotential } from './space-filling.js';

/** Presence count of each player on the smaller side, per drawn size class. */
function presence(m: number, budget: number, seed: number): Map<number, number[]> {
  const plan = planPairs(m, budget, new Rng(seed));
  const counts = new Map<number, number[]>();
  for (let p = plan.nFixed; p < plan.nPairs; p++) {
    const k = plan.pairClass[p]!;
    const c = counts.get(k) ?? new Array<number>(m).fill(0);
    for (let i = 0; i < m; i++) c[i]! += plan.sides[p * m + i]!;
    counts.set(k, c);
  }
  return counts;
}

/** Σ over pairs of drawn sides of their three-way correlation² (each pair counted once). */
function drawnPotential(m: number, sides: readonly number[][]): number {
  const potential = new ThreeWayPotential(m, sides.length);
  let total = 0;
  for (const side of sides) {
    total += potential.score(side);
    potential.add(side);
  }
  return total;
}

describe('planPairs: space-filling draws within a size class', () => {
  it('the drawn pairs are closer to orthogonal in their three-way terms than independent uniform draws of the same classes', () => {
    const m = 16;
    const rng = new Rng(7);
    let designed = 0;
    let independent = 0;
    for (const seed of [0, 1, 2, 3, 4]) {
      const plan = planPairs(m, 512, new Rng(seed));
      const drawn: number[][] = [];
      const free: number[][] = [];
      for (let p = plan.nFixed; p < plan.nPairs; p++) {
        drawn.push(Array.from(plan.sides.subarray(p * m, (p + 1) * m)));
        const side = new Array<number>(m).fill(0);
        for (const i of rng.permutation(m).subarray(0, plan.pairClass[p]!)) side[i] = 1;
        free.push(side);
      }
      designed += drawnPotential(m, drawn);
      independent += drawnPotential(m, free);
    }
    expect(designed).toBeLessThan(0.8 * independent);
  });

  it('players are present more evenly among a class’s drawn pairs than with independent subsets when the budget leaves no room to choose', () => {
    let balanced = 0;
    let independent = 0;
    const rng = new Rng(99);
    for (const seed of [0, 1, 2]) {
      // 4,096 pairs of 40 players: the design's work cap leaves one candidate per draw (the balanced one)
      for (const [k, c] of presence(40, 8192, seed)) {
        balanced += Math.max(...c) - Math.min(...c);
        // the same number of independent uniform k-subsets
        const draws = c.reduce((a, b) => a + b, 0) / k;
        const free = new Array<number>(40).fill(0);
        for (let d = 0; d < draws; d++) for (const i of rng.permutation(40).subarray(0, k)) free[i]!++;
        independent += Math.max(...free) - Math.min(...free);
      }
    }
    expect(balanced).toBeLessThan(0.6 * independent);
  });

  it('each player’s inclusion probability in a class stays k / M (sides are uniform k-subsets)', () => {
    const m = 13;
    const totals = new Map<number, { present: number; pairs: number }>();
    for (let seed = 0; seed < 40; seed++) {
      const plan = planPairs(m, 400, new Rng(seed));
      for (let p = plan.nFixed; p < plan.nPairs; p++) {
        const k = plan.pairClass[p]!;
        const t = totals.get(k) ?? { present: 0, pairs: 0 };
        // player 12 sits in the partial block that ⌊13/k⌋ blocks leave out when k ∤ 13: it must not be favoured or starved
        t.present += plan.sides[p * m + 12]!;
        t.pairs++;
        totals.set(k, t);
      }
    }
    for (const [k, t] of totals) {
      const expected = k / m;
      const sd = Math.sqrt((expected * (1 - expected)) / t.pairs);
      expect(Math.abs(t.present / t.pairs - expected), `class ${k}`).toBeLessThan(4 * sd);
    }
  });
});
