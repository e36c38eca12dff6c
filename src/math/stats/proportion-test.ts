import { normalCdf, normalSf } from './normal.js';

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface TestResult {
  /** The test statistic (z or t). */
  readonly statistic: number;
  readonly pValue: number;
  /** Degrees of freedom (t-tests only). */
  readonly df?: number;
}

/** p-value of a standard-normal statistic under the given alternative. */
export function normalPValue(z: number, alternative: Alternative): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (alternative === 'greater') return normalSf(z);
  if (alternative === 'less') return normalCdf(z);
  return Math.min(1, 2 * normalSf(Math.abs(z)));
}

/**
 * Pooled two-proportion z-test of H₀: p₁ = p₂ (statsmodels proportions_ztest with two samples):
 * z = (p̂₁ − p̂₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)), p̂ the pooled rate. 'greater' tests p₁ > p₂.
 * When both samples are all successes or all failures the difference is exactly 0 and p = 1
 * (statsmodels returns NaN there). Either n = 0 gives NaN.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number, alternative: Alternative = 'two-sided'): TestResult {
  if (!(n1 > 0 && n2 > 0)) return { statistic: Number.NaN, pValue: Number.NaN };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / se;
  return { statistic: z, pValue: normalPValue(z, alternative) };
}
