import type { RawMatrix } from '../../encode/encoder.js';
import { GlassboxError } from '../../errors.js';

/** A raw feature as the interpretable learners see it (an EncodedFeature or a schema feature fits). */
export interface LearnerFeature {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
  readonly categories?: readonly string[];
}

/**
 * How one feature's raw values become bins. Bin 0 always holds missing values (NaN) and, for a
 * categorical, codes the feature's category list does not hold. A numeric value x goes to bin
 * 1 + #{cuts c : c ≤ x}; a category code k to bin 1 + k. Values are compared as float32 (cuts are float32
 * numbers too), since models receive float32 tensors: a row binned from a float64 file and the same row
 * given to the Model land in the same bin.
 */
export type FeatureBinning =
  | { readonly type: 'numeric'; readonly cuts: Float64Array }
  | { readonly type: 'categorical'; readonly categories: readonly string[] };

export function binCount(binning: FeatureBinning): number {
  return binning.type === 'numeric' ? binning.cuts.length + 2 : binning.categories.length + 1;
}

/** The bin of one raw value (see FeatureBinning). */
export function binOf(binning: FeatureBinning, value: number): number {
  if (Number.isNaN(value)) return 0;
  if (binning.type === 'categorical') return Number.isInteger(value) && value >= 0 && value < binning.categories.length ? value + 1 : 0;
  const cuts = binning.cuts;
  value = Math.fround(value);
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/**
 * Quantile bins for a numeric feature, as InterpretML's EBM preprocessor does (`max_bins`): when the
 * column has at most maxBins distinct values, every value gets its own bin (cuts halfway between
 * neighbours); otherwise cuts sit between the values at the k/maxBins quantiles, so bins hold about
 * equal counts and a heavy value is never split.
 */
export function quantileCuts(values: Float64Array, maxBins: number): Float64Array {
  const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v)), Math.fround).sort();
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  const distinct: number[] = [sorted[0]!];
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  if (distinct.length <= maxBins) {
    const cuts = new Float64Array(distinct.length - 1);
    for (let k = 0; k + 1 < distinct.length; k++) cuts[k] = midpoint(distinct[k]!, distinct[k + 1]!);
    return cuts;
  }
  const cuts: number[] = [];
  for (let k = 1; k < maxBins; k++) {
    const at = Math.floor((k * n) / maxBins);
    const v = sorted[at - 1]!;
    // cut just above v: between v and the next larger value
    let j = at;
    while (j < n && sorted[j] === v) j++;
    if (j >= n) break;
    const cut = midpoint(v, sorted[j]!);
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]!) cuts.push(cut);
  }
  return Float64Array.from(cuts);
}

/** A float32 cut between float32 values a < b: a stays below it, b reaches it. */
function midpoint(a: number, b: number): number {
  const m = Math.fround(a + (b - a) / 2);
  return m > a && m <= b ? m : b;
}

/** Binnings of every feature fitted on the given rows of a raw matrix. */
export function fitBinnings(raw: RawMatrix, features: readonly LearnerFeature[], maxBins: number): FeatureBinning[] {
  if (features.length !== raw.nFeatures) {
    throw new GlassboxError('shape_mismatch', `The raw matrix has ${raw.nFeatures} columns but ${features.length} features were described.`, { argument: 'features' });
  }
  if (!(Number.isInteger(maxBins) && maxBins >= 2 && maxBins <= 65000)) {
    throw new GlassboxError('invalid_argument', `maxBins must be an integer in [2, 65000]; got ${maxBins}.`, { argument: 'maxBins', hint: 'InterpretML uses 1024 for main effects and 64 for pairs.' });
  }
  return features.map((feature, j): FeatureBinning => {
    if (feature.type === 'categorical') {
      const categories = feature.categories ?? inferredCategories(raw, j);
      return { type: 'categorical', categories };
    }
    return { type: 'numeric', cuts: quantileCuts(column(raw, j), maxBins) };
  });
}

/** Category labels "0", "1", … when the feature carries no list (codes up to the largest seen). */
function inferredCategories(raw: RawMatrix, j: number): string[] {
  let max = -1;
  for (let i = 0; i < raw.nRows; i++) {
    const v = raw.data[i * raw.nFeatures + j]!;
    if (Number.isInteger(v) && v > max) max = v;
  }
  return Array.from({ length: max + 1 }, (_, k) => String(k));
}

export function column(raw: RawMatrix, j: number): Float64Array {
  const out = new Float64Array(raw.nRows);
  for (let i = 0; i < raw.nRows; i++) out[i] = raw.data[i * raw.nFeatures + j]!;
  return out;
}

/** The bins of every row of one feature. */
export function binColumn(raw: RawMatrix, j: number, binning: FeatureBinning): Uint16Array {
  const out = new Uint16Array(raw.nRows);
  const f = raw.nFeatures;
  for (let i = 0; i < raw.nRows; i++) out[i] = binOf(binning, raw.data[i * f + j]!);
  return out;
}

/** A readable label of one bin: "missing", a category, or an interval such as "(3.5, 7]". */
export function binLabel(binning: FeatureBinning, bin: number): string {
  if (bin === 0) return 'missing';
  if (binning.type === 'categorical') return binning.categories[bin - 1] ?? 'unknown';
  const cuts = binning.cuts;
  const low = bin - 2 >= 0 ? cuts[bin - 2] : undefined;
  const high = bin - 1 < cuts.length ? cuts[bin - 1] : undefined;
  const fmt = (v: number): string => String(Number(v.toPrecision(6)));
  if (low === undefined && high === undefined) return 'all values';
  if (low === undefined) return `< ${fmt(high!)}`;
  if (high === undefined) return `≥ ${fmt(low)}`;
  return `[${fmt(low)}, ${fmt(high)})`;
}
