import { GlassboxError } from '../../errors.js';

/**
 * The split-conformal threshold of one calibration set: q̂ is the ⌈(n+1)(1−α)⌉-th smallest score
 * (the "higher" order statistic; numpy.quantile(scores, ⌈(n+1)(1−α)⌉/n, method='higher') as in MAPIE,
 * and crepes' alphas[⌊α(n+1)⌋−1] over descending scores). When that rank exceeds n, no finite
 * threshold gives the guarantee: q̂ = +∞ and every set holds every class (`infinite`).
 */
export interface ConformalQuantile {
  readonly qhat: number;
  /** ⌈(n+1)(1−α)⌉: the order statistic taken (1-based). */
  readonly rank: number;
  /** Calibration scores used. */
  readonly n: number;
  readonly alpha: number;
  /** True when rank > n: q̂ = +∞ (too few calibration rows for this α). */
  readonly infinite: boolean;
}

/** Checks 0 < α < 1, naming the argument. */
export function checkAlpha(alpha: number, argument = 'alpha'): void {
  if (!(alpha > 0 && alpha < 1)) {
    throw new GlassboxError('invalid_argument', `${argument} must be in (0, 1); got ${alpha}.`, { argument, hint: 'e.g. 0.1 for sets that hold the true class 90% of the time' });
  }
}

/**
 * ⌈(n+1)(1−α)⌉. The product is computed in floating point, so a value within 1e-9 (relative) of an
 * integer is taken as that integer: (9+1)(1−0.1) is 9, not 10.
 */
export function conformalRank(n: number, alpha: number): number {
  const raw = (n + 1) * (1 - alpha);
  const nearest = Math.round(raw);
  return Math.abs(raw - nearest) <= 1e-9 * Math.max(1, raw) ? nearest : Math.ceil(raw);
}

/**
 * q̂ from calibration scores (Vovk et al. 2005; Lei et al. 2018, "Distribution-free predictive
 * inference for regression", JASA): with exchangeable calibration and test rows, a test score is
 * ≤ q̂ with probability ≥ 1 − α, and < 1 − α + 1/(n+1) when scores have no ties.
 */
export function conformalQuantile(scores: ArrayLike<number>, alpha: number): ConformalQuantile {
  checkAlpha(alpha);
  const n = scores.length;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) throw new GlassboxError('invalid_input', `Calibration score ${i} is NaN.`, { row: i, hint: 'Check the calibration predictions and labels for missing values.' });
    sorted[i] = s;
  }
  sorted.sort();
  const rank = conformalRank(n, alpha);
  const infinite = rank > n;
  return { qhat: infinite ? Number.POSITIVE_INFINITY : sorted[Math.max(0, rank - 1)]!, rank, n, alpha, infinite };
}

/**
 * One q̂ per bin (Mondrian conformal prediction; Vovk et al. 2005, ch. 4): bin b's threshold comes only
 * from calibration rows in bin b, which gives coverage ≥ 1 − α within every bin. `bins[i]` < 0 leaves
 * row i out.
 */
export function conformalQuantilesByBin(scores: ArrayLike<number>, bins: ArrayLike<number>, nBins: number, alpha: number): ConformalQuantile[] {
  const members: number[][] = Array.from({ length: nBins }, () => []);
  for (let i = 0; i < scores.length; i++) {
    const b = bins[i]!;
    if (b >= 0 && b < nBins) members[b]!.push(scores[i]!);
  }
  return members.map((list) => conformalQuantile(list, alpha));
}
