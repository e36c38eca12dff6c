import type { RawMatrix } from '../../encode/encoder.js';
import { quantileSorted } from '../../math/stats/quantile.js';

/** What scales a numeric perturbation of one feature, measured on the reference rows. */
export interface NumericFeatureStats {
  /** IQR / 1.349 (the normal-consistent IQR), or the standard deviation when the IQR is 0; 0 for a constant. */
  readonly spread: number;
  /** Which estimate `spread` is. */
  readonly spreadMethod: 'iqr' | 'std' | 'constant';
  readonly min: number;
  readonly max: number;
  /** Every finite reference value is a whole number: perturbed values are rounded. */
  readonly integer: boolean;
  /** The finite reference values, sorted (for quantile steps). */
  readonly sorted: Float64Array;
}

/** The finite values of column `j` of a raw matrix. */
export function columnValues(raw: RawMatrix, j: number): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < raw.nRows; i++) {
    const v = raw.data[i * raw.nFeatures + j]!;
    if (Number.isFinite(v)) out.push(v);
  }
  return Float64Array.from(out);
}

/**
 * Spread, range and integer-ness of numeric feature `j` on the reference rows. The spread is the
 * interquartile range divided by 1.349 (Φ⁻¹(0.75) − Φ⁻¹(0.25), so it equals σ for normal data and
 * ignores a skewed tail), falling back to the sample standard deviation when the IQR is 0.
 */
export function numericFeatureStats(reference: RawMatrix, j: number): NumericFeatureStats {
  const sorted = columnValues(reference, j).sort();
  const n = sorted.length;
  if (n === 0) return { spread: 0, spreadMethod: 'constant', min: Number.NaN, max: Number.NaN, integer: false, sorted };
  const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
  let spread = iqr / 1.349;
  let spreadMethod: NumericFeatureStats['spreadMethod'] = 'iqr';
  if (!(spread > 0)) {
    let mean = 0;
    for (const v of sorted) mean += v / n;
    let ss = 0;
    for (const v of sorted) ss += (v - mean) ** 2;
    spread = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
    spreadMethod = spread > 0 ? 'std' : 'constant';
  }
  return { spread, spreadMethod, min: sorted[0]!, max: sorted[n - 1]!, integer: sorted.every(Number.isInteger), sorted };
}

/** The most frequent code of categorical feature `j` (ties: the smaller code); NaN when none. */
export function modeCode(reference: RawMatrix, j: number): number {
  const counts = new Map<number, number>();
  for (const v of columnValues(reference, j)) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = Number.NaN;
  let bestCount = 0;
  for (const [code, count] of counts) if (count > bestCount || (count === bestCount && code < best)) [best, bestCount] = [code, count];
  return best;
}
