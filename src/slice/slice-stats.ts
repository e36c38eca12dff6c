import { twoProportionZTest } from '../math/stats/proportion-test.js';
import { welchTTest } from '../math/stats/welch-t-test.js';

/** Sufficient statistics of a per-row metric over a set of rows. */
export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
}

export interface Comparison {
  readonly mean: number;
  readonly restMean: number;
  /** (mean − restMean) × direction: positive when the slice is worse in the searched direction. */
  readonly effect: number;
  readonly statistic: number;
  readonly pValue: number;
}

/**
 * Compares a slice with the rest of the data in the searched direction (+1: higher metric is worse).
 * Binary metrics use the pooled two-proportion z-test, continuous ones Welch's t-test (one-sided).
 */
export function compareSlice(slice: Moments, total: Moments, binary: boolean, direction: 1 | -1): Comparison {
  const rest: Moments = { n: total.n - slice.n, sum: total.sum - slice.sum, sumSq: total.sumSq - slice.sumSq };
  const mean = slice.sum / slice.n;
  const restMean = rest.sum / rest.n;
  const effect = (mean - restMean) * direction;
  const alternative = direction === 1 ? 'greater' : 'less';
  if (binary) {
    const r = twoProportionZTest(slice.sum, slice.n, rest.sum, rest.n, alternative);
    return { mean, restMean, effect, statistic: r.statistic * direction, pValue: r.pValue };
  }
  const summary = (m: Moments): { mean: number; variance: number; n: number } => ({
    mean: m.sum / m.n,
    variance: m.n > 1 ? Math.max(0, (m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1)) : Number.NaN,
    n: m.n,
  });
  const r = welchTTest(summary(slice), summary(rest), alternative);
  return { mean, restMean, effect, statistic: r.statistic * direction, pValue: r.pValue };
}
