import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, weightedBenjaminiHochberg } from './fdr.js';

describe('weighted Benjamini–Hochberg over a family larger than the tested set', () => {
  const p = [0.001, 0.02, 0.03, 0.5, 0.004];

  it('equals BH with unit weights when every hypothesis was tested', () => {
    expect(Array.from(weightedBenjaminiHochberg(p, p.map(() => 1), p.length))).toEqual(Array.from(benjaminiHochberg(p)));
  });

  it('counts untested hypotheses in m: q scales by m / tested (capped at 1)', () => {
    const bh = benjaminiHochberg(p);
    const q = weightedBenjaminiHochberg(p, p.map(() => 1), 4 * p.length);
    q.forEach((v, i) => expect(v).toBeCloseTo(Math.min(1, 4 * bh[i]!), 12));
  });

  it('ranks by p / w: q₍ᵢ₎ = min over j ≥ i of m p₍ⱼ₎ / (w₍ⱼ₎ j)', () => {
    // p/w = 0.004, 0.01, 0.004 → sorted 0.004 (a), 0.004 (c), 0.01 (b); m = 10.
    const q = weightedBenjaminiHochberg([0.002, 0.01, 0.008], [0.5, 1, 2], 10);
    expect(q[0]).toBeCloseTo(Math.min((10 * 0.004) / 1, (10 * 0.004) / 2, (10 * 0.01) / 3), 12);
    expect(q[2]).toBeCloseTo(Math.min((10 * 0.004) / 2, (10 * 0.01) / 3), 12);
    expect(q[1]).toBeCloseTo((10 * 0.01) / 3, 12);
  });
});
