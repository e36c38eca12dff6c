import type { ConfidenceInterval as Interval } from './interval.js';
import { regularizedBeta } from './special.js';

/**
 * Quantile of the Beta(a, b) distribution by bisection on the regularized incomplete beta function
 * (monotone in x, so 200 halvings reach double precision).
 */
export function betaQuantile(p: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let iter = 0; iter < 200 && hi - lo > 1e-16; iter++) {
    const mid = (lo + hi) / 2;
    if (regularizedBeta(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Clopper–Pearson ("exact") interval for a binomial proportion (Clopper & Pearson 1934, "The use of
 * confidence or fiducial limits illustrated in the case of the binomial", Biometrika 26): the bounds
 * invert two one-sided binomial tests, so coverage is at least `level` for every p — statsmodels'
 * proportion_confint(method='beta'). Bounds are NaN when n = 0.
 */
export function clopperPearsonInterval(successes: number, n: number, level = 0.95): Interval {
  if (!(n > 0)) return { low: Number.NaN, high: Number.NaN, level, method: 'clopper-pearson' };
  const tail = (1 - level) / 2;
  const low = successes <= 0 ? 0 : betaQuantile(tail, successes, n - successes + 1);
  const high = successes >= n ? 1 : betaQuantile(1 - tail, successes + 1, n - successes);
  return { low, high, level, method: 'clopper-pearson' };
}
