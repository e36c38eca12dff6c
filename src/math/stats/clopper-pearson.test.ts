import { describe, expect, it } from 'vitest';
import { clopperPearsonInterval } from './clopper-pearson.js';

/** P(X ≥ x) for X ~ Binomial(n, p), summed directly (independent of the incomplete-beta route). */
function upperTail(x: number, n: number, p: number): number {
  let total = 0;
  for (let k = x; k <= n; k++) total += Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
  return total;
}
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

describe('clopperPearsonInterval', () => {
  it('inverts the two one-sided binomial tests: P(X ≥ x | low) = P(X ≤ x | high) = (1 − level)/2', () => {
    for (const [x, n] of [[3, 10], [17, 40], [1, 7], [99, 100]] as const) {
      const ci = clopperPearsonInterval(x, n, 0.95);
      expect(upperTail(x, n, ci.low)).toBeCloseTo(0.025, 9);
      expect(1 - upperTail(x + 1, n, ci.high)).toBeCloseTo(0.025, 9);
    }
  });

  it('matches statsmodels proportion_confint(3, 10, method="beta") and closes at 0 and n', () => {
    const ci = clopperPearsonInterval(3, 10);
    expect(ci.low).toBeCloseTo(0.0667395, 6);
    expect(ci.high).toBeCloseTo(0.6524529, 6);
    expect(clopperPearsonInterval(0, 10).low).toBe(0);
    expect(clopperPearsonInterval(0, 10).high).toBeCloseTo(1 - 0.025 ** (1 / 10), 9);
    expect(clopperPearsonInterval(10, 10).high).toBe(1);
    expect(clopperPearsonInterval(0, 0).low).toBeNaN();
  });
});
