import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { newcombeInterval } from './newcombe.js';

describe('newcombeInterval (Newcombe 1998, method 10)', () => {
  // Newcombe (1998), Statistics in Medicine 17:873–890, Table II, column for method 10 (95% intervals).
  const published: [number, number, number, number, number, number][] = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ];
  it.each(published)('%i/%i − %i/%i reproduces the published bounds', (x1, n1, x2, n2, low, high) => {
    const ci = newcombeInterval(x1, n1, x2, n2, 0.95);
    expect(ci.low).toBeCloseTo(low, 4);
    expect(ci.high).toBeCloseTo(high, 4);
    expect(ci.method).toBe('newcombe-hybrid-score');
  });

  it('contains the difference, is antisymmetric under swapping the groups, and is NaN for an empty group', () => {
    const rng = new Rng(3);
    for (let t = 0; t < 200; t++) {
      const n1 = 1 + rng.int(60);
      const n2 = 1 + rng.int(60);
      const x1 = rng.int(n1 + 1);
      const x2 = rng.int(n2 + 1);
      const ci = newcombeInterval(x1, n1, x2, n2);
      const swapped = newcombeInterval(x2, n2, x1, n1);
      expect(ci.low).toBeLessThanOrEqual(x1 / n1 - x2 / n2 + 1e-12);
      expect(ci.high).toBeGreaterThanOrEqual(x1 / n1 - x2 / n2 - 1e-12);
      expect(swapped.low).toBeCloseTo(-ci.high, 12);
      expect(swapped.high).toBeCloseTo(-ci.low, 12);
    }
    expect(newcombeInterval(1, 0, 1, 3).low).toBeNaN();
  });

  it('covers the true difference close to 95% of the time on simulated binomial data', () => {
    const rng = new Rng(11);
    const binomial = (n: number, p: number): number => {
      let x = 0;
      for (let i = 0; i < n; i++) if (rng.next() < p) x++;
      return x;
    };
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const ci = newcombeInterval(binomial(40, 0.3), 40, binomial(60, 0.1), 60);
      if (ci.low <= 0.2 && 0.2 <= ci.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.92);
    expect(covered / trials).toBeLessThan(0.98);
  });
});
