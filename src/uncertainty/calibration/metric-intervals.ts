import { bootstrapInterval } from '../../math/stats/bootstrap.js';
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
export const BOOTSTRAP_METHOD = 'percentile-bootstrap (rows resampled with replacement, bin edges fixed)';

/**
 * Percentile-bootstrap interval (Efron & Tibshirani 1993, §13.3) for one calibration metric on the given
 * rows: rows are resampled with replacement and the bin edges stay those of the full sample.
 */
export function metricInterval(r: CalibrationRows, rows: Int32Array, metric: IntervalMetric, options: MetricIntervalOptions = {}): ConfidenceInterval {
  const statistic = STATISTICS[metric];
  const picked = new Int32Array(rows.length);
  const interval = bootstrapInterval(rows.length, (indices) => {
    for (let j = 0; j < indices.length; j++) picked[j] = rows[indices[j]!]!;
    return statistic(r, picked);
  }, { iterations: options.iterations ?? 1000, level: options.level ?? 0.95, seed: options.seed ?? 0, ...(options.signal ? { signal: options.signal } : {}) });
  return { ...interval, method: BOOTSTRAP_METHOD };
}

/** {@link metricInterval} for every metric, all on the same resamples (the same seed). */
export function calibrationIntervals(r: CalibrationRows, rows: Int32Array, options: MetricIntervalOptions = {}): Record<IntervalMetric, ConfidenceInterval> {
  return Object.fromEntries(INTERVAL_METRICS.map((metric) => [metric, metricInterval(r, rows, metric, options)])) as Record<IntervalMetric, ConfidenceInterval>;
}
