import { stratifiedBootstrapInterval } from '../../math/stats/stratified-bootstrap.js';
import type { ConfidenceInterval } from '../../math/stats/interval.js';
import { accuracyOn, brierOn, brierTopLabelOn, classwiseEceOn, eceOn, mceOn, nllOn, type CalibrationRows } from './metrics.js';

/** The metrics that get an interval. */
export const INTERVAL_METRICS = ['accuracy', 'ece', 'mce', 'classwiseEce', 'brier', 'brierTopLabel', 'nll'] as const;
export type IntervalMetric = (typeof INTERVAL_METRICS)[number];

export interface MetricIntervalOptions {
  /** Resamples (default 1000). */
  readonly iterations?: number;
  /** Interval level (default 0.95). */
  readonly level?: number;
  /** Seed of the resamples (default 0); every metric uses the same resamples. */
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

const STATISTICS: Readonly<Record<IntervalMetric, (r: CalibrationRows, rows: Int32Array) => number>> = {
  accuracy: accuracyOn,
  ece: eceOn,
  mce: mceOn,
  classwiseEce: classwiseEceOn,
  brier: brierOn,
  brierTopLabel: brierTopLabelOn,
  nll: nllOn,
};

/** The method string every calibration bootstrap interval carries. */
export const BOOTSTRAP_METHOD = 'bootstrap-bc (bias-corrected percentile; rows resampled with replacement, bin edges fixed)';

/**
 * Bias-corrected percentile bootstrap interval (Efron 1981; Efron & Tibshirani 1993, §14.3) for one
 * calibration metric on the given rows: rows are resampled with replacement and the bin edges stay those
 * of the full sample. The bias correction matters for ECE and MCE, whose resampled values sit above the
 * estimate (binning noise only adds to |acc − conf|): a plain percentile interval can miss the estimate.
 */
export function metricInterval(r: CalibrationRows, rows: Int32Array, metric: IntervalMetric, options: MetricIntervalOptions = {}): ConfidenceInterval {
  const statistic = STATISTICS[metric];
  const picked = new Int32Array(rows.length);
  // one stratum: an ordinary bootstrap of the rows, with Efron's bias correction
  const interval = stratifiedBootstrapInterval(new Int32Array(rows.length), (indices) => {
    for (let j = 0; j < indices.length; j++) picked[j] = rows[indices[j]!]!;
    return statistic(r, picked.subarray(0, indices.length));
  }, { iterations: options.iterations ?? 1000, level: options.level ?? 0.95, seed: options.seed ?? 0, ...(options.signal ? { signal: options.signal } : {}) });
  const widened = interval.method.endsWith('(widened to include the estimate)');
  return { low: interval.low, high: interval.high, level: interval.level, method: widened ? `${BOOTSTRAP_METHOD}, widened to include the estimate` : BOOTSTRAP_METHOD };
}

/** {@link metricInterval} for every metric, all on the same resamples (the same seed). */
export function calibrationIntervals(r: CalibrationRows, rows: Int32Array, options: MetricIntervalOptions = {}): Record<IntervalMetric, ConfidenceInterval> {
  return Object.fromEntries(INTERVAL_METRICS.map((metric) => [metric, metricInterval(r, rows, metric, options)])) as Record<IntervalMetric, ConfidenceInterval>;
}
