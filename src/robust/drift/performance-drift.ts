import { newcombeInterval } from '../../math/stats/newcombe.js';
import { twoProportionZTest, wilsonInterval, type ConfidenceInterval } from '../../math/stats/index.js';

export interface AccuracyEstimate {
  readonly n: number;
  readonly correct: number;
  /** null when n = 0. */
  readonly accuracy: number | null;
  readonly interval: ConfidenceInterval;
}

export interface PerformanceDrift {
  readonly metric: 'accuracy';
  readonly reference: AccuracyEstimate;
  readonly current: AccuracyEstimate;
  /** current − reference accuracy (negative = the model got worse). */
  readonly difference: number | null;
  /** Newcombe's hybrid score interval for the difference (independent samples). */
  readonly interval: ConfidenceInterval;
  /** Two-sided two-proportion z-test of equal accuracy. */
  readonly pValue: number | null;
  /** True when the interval excludes 0. */
  readonly drift: boolean;
}

/** Accuracy with its Wilson score interval (Wilson 1927). */
export function accuracyEstimate(correct: number, n: number, level = 0.95): AccuracyEstimate {
  return { n, correct, accuracy: n > 0 ? correct / n : null, interval: wilsonInterval(correct, n, level) };
}

/**
 * Performance drift between labelled reference and current rows: the change in accuracy with Newcombe's
 * hybrid score interval for a difference of independent proportions (Newcombe 1998, method 10) and a
 * two-proportion z-test. `correct*` count rows whose predicted class equals the label.
 */
export function performanceDrift(reference: { correct: number; n: number }, current: { correct: number; n: number }, level = 0.95): PerformanceDrift {
  const ref = accuracyEstimate(reference.correct, reference.n, level);
  const cur = accuracyEstimate(current.correct, current.n, level);
  const interval = newcombeInterval(current.correct, current.n, reference.correct, reference.n, level);
  const both = reference.n > 0 && current.n > 0;
  const test = both ? twoProportionZTest(current.correct, current.n, reference.correct, reference.n) : undefined;
  const difference = both ? cur.accuracy! - ref.accuracy! : null;
  return { metric: 'accuracy', reference: ref, current: cur, difference, interval, pValue: test && Number.isFinite(test.pValue) ? test.pValue : null, drift: both && (interval.low > 0 || interval.high < 0) };
}
