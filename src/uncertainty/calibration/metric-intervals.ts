import { GlassboxError, throwIfAborted } from '../../errors.js';
import { biasCorrected } from '../../math/stats/stratified-bootstrap.js';
import { Rng } from '../../rng.js';
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
 * Bias-corrected percentile bootstrap intervals (Efron 1981; Efron & Tibshirani 1993, §14.3) for
 * calibration metrics on the given rows, all from the same resamples: rows are resampled with
 * replacement and the bin edges stay those of the full sample. The bias correction matters for ECE and
 * MCE, whose resampled values sit above the estimate (binning noise only adds to |acc − conf|), so a plain
 * percentile interval can miss the estimate; should the corrected one still miss it, it is widened to
 * reach it and its method says so. Same seed → same intervals.
 */
export function metricIntervals<M extends IntervalMetric>(r: CalibrationRows, rows: Int32Array, metrics: readonly M[], options: MetricIntervalOptions = {}): Record<M, ConfidenceInterval> {
  const iterations = options.iterations ?? 1000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(iterations) || iterations < 1) throw new GlassboxError('invalid_argument', `iterations = ${iterations} must be a positive integer.`, { argument: '--iterations', hint: 'e.g. 1000' });
  const n = rows.length;
  const replicates = metrics.map(() => new Float64Array(iterations));
  const rng = new Rng(options.seed ?? 0);
  const picked = new Int32Array(n);
  for (let b = 0; b < iterations; b++) {
    if ((b & 31) === 0) throwIfAborted(options.signal);
    for (let j = 0; j < n; j++) picked[j] = rows[rng.int(n)]!;
    metrics.forEach((m, q) => (replicates[q]![b] = STATISTICS[m](r, picked)));
  }
  const out = {} as Record<M, ConfidenceInterval>;
  metrics.forEach((m, q) => {
    const estimate = STATISTICS[m](r, rows);
    const { low, high } = n === 0 ? { low: Number.NaN, high: Number.NaN } : biasCorrected(replicates[q]!.sort(), estimate, level);
    const widened = !(low <= estimate && estimate <= high);
    out[m] = { low: widened ? Math.min(low, estimate) : low, high: widened ? Math.max(high, estimate) : high, level, method: widened ? `${BOOTSTRAP_METHOD}, widened to include the estimate` : BOOTSTRAP_METHOD };
  });
  return out;
}

/** One metric's interval ({@link metricIntervals}). */
export function metricInterval(r: CalibrationRows, rows: Int32Array, metric: IntervalMetric, options: MetricIntervalOptions = {}): ConfidenceInterval {
  return metricIntervals(r, rows, [metric], options)[metric];
}

/** {@link metricIntervals} for every metric. */
export function calibrationIntervals(r: CalibrationRows, rows: Int32Array, options: MetricIntervalOptions = {}): Record<IntervalMetric, ConfidenceInterval> {
  return metricIntervals(r, rows, INTERVAL_METRICS, options);
}
