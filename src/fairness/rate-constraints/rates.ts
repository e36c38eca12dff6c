import { GlassboxError } from '../../errors.js';

/** The group rate a constraint bounds: false-positive rate, true-positive rate or selection rate. */
export type ConstrainedRate = 'fpr' | 'tpr' | 'selection-rate';

export const CONSTRAINED_RATES: readonly ConstrainedRate[] = ['fpr', 'tpr', 'selection-rate'];

/** Whether a row with label y counts in the rate's denominator (FPR: negatives, TPR: positives, selection: all). */
export function eligible(rate: ConstrainedRate, label: number): boolean {
  return rate === 'selection-rate' || (rate === 'fpr' ? label === 0 : label === 1);
}

/** The ordered group pairs (g, h), g ≠ h, of the constraints rate_g − rate_h ≤ bound: together, max − min ≤ bound. */
export function constraintPairs(groups: readonly number[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (const g of groups) for (const h of groups) if (g !== h) pairs.push([g, h]);
  return pairs;
}

/**
 * Per-group weighted rates of the decisions score ≥ threshold on the eligible rows; NaN for a group
 * without eligible rows (ids ≥ groupCount or < 0 are ignored).
 */
export function groupRatesOf(rate: ConstrainedRate, scores: ArrayLike<number>, labels: ArrayLike<number>, groups: ArrayLike<number>, groupCount: number, threshold: number, weights?: ArrayLike<number>): Float64Array {
  const hit = new Float64Array(groupCount);
  const total = new Float64Array(groupCount);
  for (let i = 0; i < labels.length; i++) {
    const g = groups[i]!;
    if (g < 0 || g >= groupCount || !eligible(rate, labels[i]!)) continue;
    const w = weights ? weights[i]! : 1;
    total[g]! += w;
    if (scores[i]! >= threshold) hit[g]! += w;
  }
  return Float64Array.from(hit, (h, g) => (total[g]! > 0 ? h / total[g]! : Number.NaN));
}

/** max over defined pairs of rate_g − rate_h − bound (≤ 0: every constraint holds); NaN when fewer than two groups define the rate. */
export function maxViolation(rates: Float64Array, bound: number): number {
  const defined = Array.from(rates).filter((r) => !Number.isNaN(r));
  if (defined.length < 2) return Number.NaN;
  return Math.max(...defined) - Math.min(...defined) - bound;
}

export function checkBound(bound: number): void {
  if (!(Number.isFinite(bound) && bound >= 0 && bound < 1)) {
    throw new GlassboxError('invalid_argument', `The rate-difference bound must be a number in [0, 1) (got ${bound}).`, { argument: 'bound', hint: 'e.g. --bound 0.05: group rates may differ by at most 5 points.' });
  }
}
