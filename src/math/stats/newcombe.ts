import type { ConfidenceInterval as Interval } from './interval.js';
import { wilsonInterval } from './wilson.js';

/**
 * Newcombe's hybrid score interval for the difference of two independent proportions p1 − p2
 * (Newcombe 1998, "Interval estimation for the difference between independent proportions: comparison
 * of eleven methods", Statistics in Medicine 17, method 10). It combines the two Wilson score intervals
 * (l1, u1) and (l2, u2):
 *
 *   low  = d − √((p1 − l1)² + (u2 − p2)²),   high = d + √((u1 − p1)² + (p2 − l2)²),   d = p1 − p2.
 *
 * It always contains d, stays inside [−1, 1] and keeps close to nominal coverage for small n and for
 * proportions near 0 or 1, where the Wald interval fails. Bounds are NaN when either n is 0.
 */
export function newcombeInterval(x1: number, n1: number, x2: number, n2: number, level = 0.95): Interval {
  const method = 'newcombe-hybrid-score';
  if (!(n1 > 0) || !(n2 > 0)) return { low: Number.NaN, high: Number.NaN, level, method };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const a = wilsonInterval(x1, n1, level);
  const b = wilsonInterval(x2, n2, level);
  const d = p1 - p2;
  const low = d - Math.hypot(p1 - a.low, b.high - p2);
  const high = d + Math.hypot(a.high - p1, p2 - b.low);
  return { low: Math.max(-1, low), high: Math.min(1, high), level, method };
}
