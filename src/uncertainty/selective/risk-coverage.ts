import { GlassboxError } from '../../errors.js';

/** Coverages at which accuracy is reported by default (issue 13 §4). */
export const DEFAULT_COVERAGES: readonly number[] = [0.8, 0.9, 0.95];

export interface AccuracyAtCoverage {
  /** The requested coverage. */
  readonly coverage: number;
  /** Rows kept: ⌈coverage · n⌉, the most confident ones. */
  readonly n: number;
  /** Accuracy of the kept rows (expected over orderings of tied confidences); null when n = 0. */
  readonly accuracy: number | null;
  /** The confidence of the least confident kept row: abstain below it. */
  readonly threshold: number | null;
}

/** The risk–coverage curve of a selective classifier that abstains on its least confident rows. */
export interface RiskCoverage {
  readonly n: number;
  readonly errors: number;
  readonly errorRate: number | null;
  /** k/n for k = 1..n. */
  readonly coverage: Float64Array;
  /** Error rate of the k most confident rows. */
  readonly risk: Float64Array;
  /** Confidence of the k-th most confident row. */
  readonly threshold: Float64Array;
  /** Area under the risk–coverage curve: the mean of `risk` over k = 1..n. */
  readonly aurc: number | null;
  /** The AURC of a perfect ranking (every error less confident than every correct row) with the same errors. */
  readonly optimalAurc: number | null;
  /** aurc − optimalAurc: what the ranking loses against a perfect one (Geifman et al. 2019's E-AURC). */
  readonly excessAurc: number | null;
  readonly accuracyAtCoverage: readonly AccuracyAtCoverage[];
}

/** AURC of a perfect ranking of n rows with e errors: (1/n) Σ_k max(0, k − (n − e)) / k. */
export function optimalAurc(n: number, errors: number): number {
  let total = 0;
  for (let k = n - errors + 1; k <= n; k++) total += (k - (n - errors)) / k;
  return n > 0 ? total / n : Number.NaN;
}

/**
 * Risk–coverage curve, AURC and accuracy at fixed coverages (El-Yaniv & Wiener 2010, "On the foundations
 * of noise-free selective classification", JMLR; Geifman & El-Yaniv 2017; Geifman et al. 2019 for
 * AURC/E-AURC). Rows are ranked by decreasing confidence. Rows with equal confidence cannot be
 * separated by any threshold, so inside a run of ties the errors are spread evenly (the expectation over
 * every order of the tied rows): the result does not depend on row order, and a constant confidence gives
 * risk = error rate at every coverage.
 */
export function riskCoverage(confidence: ArrayLike<number>, correct: ArrayLike<number | boolean>, options: { readonly coverages?: readonly number[] } = {}): RiskCoverage {
  const n = confidence.length;
  if (correct.length !== n) throw new GlassboxError('shape_mismatch', `riskCoverage: ${n} confidences but ${correct.length} correctness flags.`, { argument: 'correct', hint: 'One flag per row.' });
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(confidence[i]!)) throw new GlassboxError('invalid_input', `riskCoverage: confidence of row ${i} is NaN.`, { row: i, argument: 'confidence' });
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => confidence[b]! - confidence[a]! || a - b);
  const cumulativeErrors = new Float64Array(n);
  let before = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && confidence[order[end]!] === confidence[order[start]!]) end++;
    let blockErrors = 0;
    for (let j = start; j < end; j++) if (!correct[order[j]!]) blockErrors++;
    const m = end - start;
    for (let j = start; j < end; j++) cumulativeErrors[j] = before + ((j - start + 1) * blockErrors) / m;
    before += blockErrors;
    start = end;
  }
  const coverage = Float64Array.from({ length: n }, (_, k) => (k + 1) / n);
  const risk = Float64Array.from(cumulativeErrors, (e, k) => e / (k + 1));
  const threshold = Float64Array.from(order, (i) => confidence[i]!);
  const errors = Math.round(before);
  const aurc = n > 0 ? risk.reduce((a, b) => a + b, 0) / n : null;
  const best = n > 0 ? optimalAurc(n, errors) : null;
  const accuracyAtCoverage = (options.coverages ?? DEFAULT_COVERAGES).map((c) => {
    if (!(c > 0 && c <= 1)) throw new GlassboxError('invalid_argument', `coverage ${c} is not in (0, 1].`, { argument: 'coverages', hint: 'e.g. 0.8, 0.9, 0.95' });
    const k = Math.min(n, Math.ceil(c * n - 1e-9));
    return { coverage: c, n: k, accuracy: k > 0 ? 1 - risk[k - 1]! : null, threshold: k > 0 ? threshold[k - 1]! : null };
  });
  return { n, errors, errorRate: n > 0 ? errors / n : null, coverage, risk, threshold, aurc, optimalAurc: best, excessAurc: aurc !== null && best !== null ? aurc - best : null, accuracyAtCoverage };
}
