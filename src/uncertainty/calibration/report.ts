import type { ConfidenceInterval } from '../../math/stats/interval.js';
import { calibrationIntervals, type IntervalMetric, type MetricIntervalOptions } from './metric-intervals.js';
import { allRows, calibrationRows, metricsOn, type CalibrationMetrics, type CalibrationOptions } from './metrics.js';
import type { LabelledProbabilities } from './probabilities.js';

/** Calibration metrics with a bootstrap interval beside each. */
export interface CalibrationReport extends CalibrationMetrics {
  readonly intervals: Record<IntervalMetric, ConfidenceInterval>;
  readonly seed: number;
}

/**
 * {@link calibrationMetrics} plus seeded percentile-bootstrap intervals (1000 resamples by default) for
 * accuracy, ECE, MCE, class-wise ECE, both Brier scores and NLL.
 */
export function calibrationReport(input: LabelledProbabilities, options: CalibrationOptions & MetricIntervalOptions = {}): CalibrationReport {
  const r = calibrationRows(input, options);
  const rows = allRows(r.n);
  return { ...metricsOn(r, rows), intervals: calibrationIntervals(r, rows, options), seed: options.seed ?? 0 };
}
