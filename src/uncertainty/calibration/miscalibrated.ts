import { zCritical } from '../../math/stats/normal.js';
import type { ConfidenceInterval } from '../../math/stats/interval.js';
import type { CalibrationRows } from './metrics.js';

/**
 * |mean confidence − accuracy| a slice or group must exceed, with its whole interval beyond it, to be
 * called over- or under-confident.
 */
export const CALIBRATION_GAP = 0.05;

/** Over-confident (+1), under-confident (−1) or neither (0). */
export type Direction = 1 | -1;

/**
 * Whether rows are miscalibrated in a direction on their own terms: their mean confidence − accuracy and
 * its whole interval lie beyond ±CALIBRATION_GAP. Being less over-confident than the rest of the data is
 * not being under-confident: the complement of an over-confident slice fails this.
 */
export function miscalibrated(s: { readonly interval: { readonly low: number; readonly high: number } }, direction: Direction, threshold = CALIBRATION_GAP): boolean {
  return direction === 1 ? s.interval.low >= threshold : s.interval.high <= -threshold;
}

/**
 * Normal interval for the mean of the per-row gap confidence − correctness from its count, sum and sum
 * of squares (the same interval the slice search's candidates carry).
 */
export function gapIntervalFromSums(n: number, sum: number, sumSq: number, level: number): ConfidenceInterval {
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(0, (sumSq - (sum * sum) / n) / Math.max(1, n - 1)));
  const half = (zCritical(level) * sd) / Math.sqrt(n);
  return { low: mean - half, high: mean + half, level, method: 'normal (mean of per-row confidence − correctness)' };
}

/** Mean confidence − accuracy of the rows and its normal interval. */
export function calibrationGap(r: CalibrationRows, rows: Int32Array, level = 0.95): { gap: number; interval: ConfidenceInterval } {
  let sum = 0;
  let sumSq = 0;
  for (let j = 0; j < rows.length; j++) {
    const d = r.confidence[rows[j]!]! - r.correct[rows[j]!]!;
    sum += d;
    sumSq += d * d;
  }
  return { gap: sum / rows.length, interval: gapIntervalFromSums(rows.length, sum, sumSq, level) };
}
