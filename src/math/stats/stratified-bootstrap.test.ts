import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { stratifiedBootstrapInterval } from './stratified-bootstrap.js';

/** max − min of the per-group mean of `y` over the rows given. */
function maxMinusMin(groups: Int32Array, y: Uint8Array, k: number): (rows: Int32Array) => number {
  return (rows) => {
    const n = new Float64Array(k);
    const s = new Float64Array(k);
    for (const i of rows) {
      n[groups[i]!]!++;
      s[groups[i]!]! += y[i]!;
    }
    const rates = Array.from(n, (m, g) => s[g]! / m);
    return Math.max(...rates) - Math.min(...rates);
  };
}

function simulate(rng: Rng, rates: readonly number[], size: number): { groups: Int32Array; y: Uint8Array } {
  const groups = new Int32Array(rates.length * size);
  const y = new Uint8Array(groups.length);
  for (let i = 0; i < groups.length; i++) {
    groups[i] = Math.floor(i / size);
    y[i] = rng.next() < rates[groups[i]!]! ? 1 : 0;
  }
  return { groups, y };
}

describe('stratifiedBootstrapInterval', () => {
  it('covers max − min of group rates close to the nominal level on simulated data', () => {
    const rates = [0.2, 0.3, 0.45];
    const truth = 0.25;
    const rng = new Rng(5);
    let covered = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      const { groups, y } = simulate(rng, rates, 250);
      const ci = stratifiedBootstrapInterval(groups, maxMinusMin(groups, y, 3), { iterations: 400, seed: t, level: 0.9 });
      if (ci.low <= truth && truth <= ci.high) covered++;
    }
    // 300 trials: a 90% interval covers 270 ± 5.2 (binomial sd); allow about 2.5 sd either side.
    expect(covered / trials).toBeGreaterThan(0.85);
    expect(covered / trials).toBeLessThan(0.95);
  });

  it('keeps every stratum at its size, contains its estimate, and is reproducible under a seed', () => {
    const rng = new Rng(1);
    const { groups, y } = simulate(rng, [0.1, 0.1, 0.1, 0.12], 80);
    const sizes: number[][] = [];
    const statistic = (rows: Int32Array): number => {
      const counts = [0, 0, 0, 0];
      for (const i of rows) counts[groups[i]!]!++;
      sizes.push(counts);
      return maxMinusMin(groups, y, 4)(rows);
    };
    const a = stratifiedBootstrapInterval(groups, statistic, { iterations: 200, seed: 9, what: 'max − min' });
    expect(sizes.every((c) => c.every((m) => m === 80))).toBe(true);
    expect(a.low).toBeLessThanOrEqual(a.estimate);
    expect(a.high).toBeGreaterThanOrEqual(a.estimate);
    expect(a.method).toMatch(/^stratified-bootstrap-bc for max − min/);
    const b = stratifiedBootstrapInterval(groups, maxMinusMin(groups, y, 4), { iterations: 200, seed: 9, what: 'max − min' });
    expect([b.low, b.high]).toEqual([a.low, a.high]);
  });

  it('leaves out rows of negative strata', () => {
    const groups = Int32Array.from([0, 0, -1, 1, 1]);
    const seen = new Set<number>();
    stratifiedBootstrapInterval(groups, (rows) => {
      rows.forEach((i) => seen.add(i));
      return rows.length;
    }, { iterations: 50 });
    expect(seen.has(2)).toBe(false);
  });
});
