import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { calibrationByGroup } from './groups.js';
import { calibrationRows } from './metrics.js';
import { checkProbabilities } from './probabilities.js';

describe('calibration per group', () => {
  it('names the over-confident group, and calls neither the calibrated one nor the rest under-confident', () => {
    // group A: claims 0.9, right 70% of the time; group B: claims 0.8, right 80% of the time
    const rng = new Rng(1);
    const p: number[] = [];
    const y: number[] = [];
    const codes: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const a = i < 1000;
      const c = (a ? 0.9 : 0.8) + (rng.next() - 0.5) * 0.02;
      const right = rng.next() < (a ? 0.7 : 0.8);
      p.push(c, 1 - c);
      y.push(right ? 0 : 1);
      codes.push(a ? 0 : 1);
    }
    const r = calibrationRows(checkProbabilities(p, y, 2));
    const groups = calibrationByGroup(r, Int32Array.from(codes), ['A', 'B'], { seed: 2, iterations: 200 });
    const [a, b] = groups;
    expect(a!.direction).toBe('over');
    expect(a!.gapInterval.low).toBeGreaterThanOrEqual(0.05);
    expect(a!.gap).toBeCloseTo(a!.meanConfidence - a!.accuracy, 12);
    expect(Math.abs(a!.gap - 0.2)).toBeLessThan(0.05);
    expect(b!.direction).toBeNull();
    expect(b!.gapInterval.low).toBeLessThanOrEqual(0);
    for (const g of groups) {
      expect(g.eceInterval.low).toBeLessThanOrEqual(g.ece + 1e-12);
      expect(g.eceInterval.method).toMatch(/bootstrap/);
    }
  });

  it('leaves out rows in no group and groups without rows', () => {
    const r = calibrationRows(checkProbabilities([0.9, 0.1, 0.6, 0.4, 0.7, 0.3], [0, 1, 0], 2));
    const groups = calibrationByGroup(r, Int32Array.from([0, -1, 0]), ['x', 'empty'], { iterations: 50 });
    expect(groups.map((g) => [g.group, g.n])).toEqual([['x', 2]]);
  });
});
