/** A confidence interval; structurally the same as the scan's `Interval`. */
export interface ConfidenceInterval {
  readonly low: number;
  readonly high: number;
  /** Confidence level, e.g. 0.95. */
  readonly level: number;
  /** How it was computed ('wilson', 'percentile-bootstrap', …). */
  readonly method: string;
}
