import { studentTCdf, studentTTwoSided } from './distributions.js';
import type { Alternative, TestResult } from './proportion-test.js';

/** Summary statistics of one sample: mean, unbiased variance (ddof = 1) and size. */
export interface SampleSummary {
  readonly mean: number;
  readonly variance: number;
  readonly n: number;
}

/** Mean and unbiased variance of values (optionally restricted to rows where mask[i] === want). */
export function summarize(values: ArrayLike<number>, mask?: Uint8Array, want = 1): SampleSummary {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && mask[i] !== want) continue;
    n++;
    const d = values[i]! - mean;
    mean += d / n;
    m2 += d * (values[i]! - mean);
  }
  return { mean: n > 0 ? mean : Number.NaN, variance: n > 1 ? m2 / (n - 1) : Number.NaN, n };
}

/**
 * Welch's unequal-variance t-test of H₀: μ₁ = μ₂ (Welch 1947; scipy.stats.ttest_ind(equal_var=False)),
 * with Welch–Satterthwaite degrees of freedom. 'greater' tests μ₁ > μ₂. Needs n ≥ 2 in each sample
 * (NaN otherwise); when both variances are 0 the p-value is 1 for equal means and 0 otherwise.
 */
export function welchTTest(a: SampleSummary, b: SampleSummary, alternative: Alternative = 'two-sided'): TestResult {
  if (a.n < 2 || b.n < 2) return { statistic: Number.NaN, pValue: Number.NaN };
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  const diff = a.mean - b.mean;
  if (se === 0) {
    const statistic = diff === 0 ? 0 : Math.sign(diff) * Infinity;
    const hit = alternative === 'two-sided' ? diff !== 0 : alternative === 'greater' ? diff > 0 : diff < 0;
    return { statistic, pValue: hit ? 0 : 1, df: Number.NaN };
  }
  const t = diff / se;
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const pValue = alternative === 'two-sided' ? studentTTwoSided(t, df) : alternative === 'greater' ? studentTCdf(-t, df) : studentTCdf(t, df);
  return { statistic: t, pValue, df };
}
