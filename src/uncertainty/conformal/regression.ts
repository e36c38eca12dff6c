import { GlassboxError } from '../../errors.js';
import { conformalQuantile, type ConformalQuantile } from './quantile.js';

/** Prediction intervals [lower, upper] per row, with the threshold that made them. */
export interface ConformalIntervals {
  readonly method: 'absolute-residual' | 'cqr';
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly threshold: ConformalQuantile;
}

function checkSame(name: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new GlassboxError('shape_mismatch', `${name}: ${a.length} predictions but ${b.length} targets.`, { argument: name, hint: 'One target per calibration prediction, in the same order.' });
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!) || !Number.isFinite(b[i]!)) throw new GlassboxError('invalid_input', `${name}: row ${i} is not finite (prediction ${a[i]}, target ${b[i]}).`, { argument: name, row: i, hint: 'Drop or impute rows with missing values first.' });
  }
}

/**
 * Split-conformal regression intervals from absolute residuals (Lei et al. 2018, "Distribution-free
 * predictive inference for regression", JASA): q̂ from |y − ŷ| on calibration rows, intervals
 * ŷ ± q̂ on test rows (±∞ when there are too few calibration rows for α).
 */
export function absoluteResidualIntervals(calibration: { readonly predictions: ArrayLike<number>; readonly targets: ArrayLike<number> }, predictions: ArrayLike<number>, alpha: number): ConformalIntervals {
  checkSame('calibration predictions', calibration.predictions, calibration.targets);
  const scores = Float64Array.from(calibration.predictions, (p, i) => Math.abs(calibration.targets[i]! - p));
  const threshold = conformalQuantile(scores, alpha);
  const q = threshold.qhat;
  return { method: 'absolute-residual', lower: Float64Array.from(predictions, (p) => p - q), upper: Float64Array.from(predictions, (p) => p + q), threshold };
}

/** Lower and upper quantile predictions, one pair per row. */
export interface QuantilePredictions {
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
}

/**
 * Conformalized quantile regression (Romano, Patterson & Candès 2019, "Conformalized quantile
 * regression", NeurIPS): scores max(lo − y, y − hi) on calibration rows, intervals [lo − q̂, hi + q̂].
 * q̂ may be negative (quantile bands that were too wide shrink); an interval whose ends cross is
 * empty and kept as it is, so coverage stays exactly what the theorem says.
 */
export function cqrIntervals(calibration: QuantilePredictions & { readonly targets: ArrayLike<number> }, test: QuantilePredictions, alpha: number): ConformalIntervals {
  checkSame('calibration lower quantiles', calibration.lower, calibration.targets);
  checkSame('calibration upper quantiles', calibration.upper, calibration.targets);
  if (test.lower.length !== test.upper.length) throw new GlassboxError('shape_mismatch', `quantile predictions: ${test.lower.length} lower but ${test.upper.length} upper values.`, { argument: 'predictions' });
  const scores = Float64Array.from(calibration.targets, (y, i) => Math.max(calibration.lower[i]! - y, y - calibration.upper[i]!));
  const threshold = conformalQuantile(scores, alpha);
  const q = threshold.qhat;
  return { method: 'cqr', lower: Float64Array.from(test.lower, (lo) => lo - q), upper: Float64Array.from(test.upper, (hi) => hi + q), threshold };
}

/** Share of targets inside [lower, upper] and the mean width (finite intervals only for the width). */
export function intervalCoverage(intervals: Pick<ConformalIntervals, 'lower' | 'upper'>, targets: ArrayLike<number>): { coverage: number | null; covered: number; n: number; meanWidth: number | null } {
  let covered = 0;
  let width = 0;
  for (let i = 0; i < targets.length; i++) {
    const y = targets[i]!;
    if (y >= intervals.lower[i]! && y <= intervals.upper[i]!) covered++;
    width += intervals.upper[i]! - intervals.lower[i]!;
  }
  const n = targets.length;
  return { coverage: n ? covered / n : null, covered, n, meanWidth: n ? width / n : null };
}
