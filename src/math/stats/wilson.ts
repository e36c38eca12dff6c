import type { ConfidenceInterval as Interval } from './interval.js';
import { zCritical } from './normal.js';

/**
 * Wilson score interval for a binomial proportion (Wilson 1927, "Probable inference, the law of succession,
 * and statistical inference", JASA 22) — statsmodels' proportion_confint(method='wilson').
 * Bounds are NaN when n = 0.
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): Interval {
  if (!(n > 0)) return { low: Number.NaN, high: Number.NaN, level, method: 'wilson' };
  const z = zCritical(level);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  const low = successes <= 0 ? 0 : Math.max(0, centre - half);
  const high = successes >= n ? 1 : Math.min(1, centre + half);
  return { low, high, level, method: 'wilson' };
}
