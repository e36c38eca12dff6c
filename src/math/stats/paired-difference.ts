import type { ConfidenceInterval } from './interval.js';
import { wilsonInterval } from './wilson.js';

/**
 * The difference p₁ − p₂ of two proportions measured on the same rows (clean and corrupted accuracy),
 * with Newcombe's interval for paired data ("Improved confidence intervals for the difference between
 * binomial proportions based on paired data", Statistics in Medicine 1998, method 10): Wilson intervals
 * of both proportions combined with the φ correlation of the 2×2 table.
 * `both` = right on both, `onlyFirst` = right clean only, `onlySecond` = right corrupted only, n rows.
 */
export function pairedDifference(both: number, onlyFirst: number, onlySecond: number, n: number, level = 0.95): { value: number; interval: ConfidenceInterval } {
  const neither = n - both - onlyFirst - onlySecond;
  const x1 = both + onlyFirst;
  const x2 = both + onlySecond;
  if (n <= 0) return { value: Number.NaN, interval: { low: Number.NaN, high: Number.NaN, level, method: 'newcombe-paired' } };
  const p1 = x1 / n;
  const p2 = x2 / n;
  const w1 = wilsonInterval(x1, n, level);
  const w2 = wilsonInterval(x2, n, level);
  const denom = (both + onlyFirst) * (onlySecond + neither) * (both + onlySecond) * (onlyFirst + neither);
  const phi = denom > 0 ? (both * neither - onlyFirst * onlySecond) / Math.sqrt(denom) : 0;
  const d1 = p1 - w1.low;
  const e1 = w1.high - p1;
  const d2 = p2 - w2.low;
  const e2 = w2.high - p2;
  const delta = Math.sqrt(Math.max(0, d1 * d1 - 2 * phi * d1 * e2 + e2 * e2));
  const epsilon = Math.sqrt(Math.max(0, e1 * e1 - 2 * phi * e1 * d2 + d2 * d2));
  const value = p1 - p2;
  return { value, interval: { low: Math.max(-1, value - delta), high: Math.min(1, value + epsilon), level, method: 'newcombe-paired' } };
}
