import type { EncodedFeature, RawMatrix } from '../../encode/encoder.js';
import { GlassboxError } from '../../errors.js';
import { quantileSorted } from '../../math/stats/quantile.js';

/** How numeric differences are scaled: by the feature's range (max − min) or its median absolute deviation (DiCE's default). */
export type Normalisation = 'range' | 'mad';
export type DistanceMetric = 'l1' | 'l2';

/**
 * What a counterfactual search knows about each raw feature, measured on reference data: its kind, its
 * observed range (the feasible values), whether it only takes integers, and the scale that divides
 * numeric differences. Categorical features differ by 0 or 1.
 */
export interface FeatureSpace {
  readonly names: readonly string[];
  readonly categorical: Uint8Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly integer: Uint8Array;
  readonly scale: Float64Array;
  /** Number of categories of each categorical feature (0 for numeric). */
  readonly levels: Int32Array;
  readonly normalisation: Normalisation;
}

/**
 * Measures the feature space on reference rows. MAD (median |x − median|, as DiCE) falls back to the
 * range when it is 0 (a feature that is constant for most rows), and the range to 1 for a constant feature.
 */
export function measureFeatureSpace(features: readonly EncodedFeature[], data: RawMatrix, normalisation: Normalisation = 'mad'): FeatureSpace {
  if (data.nRows === 0) throw new GlassboxError('invalid_input', 'counterfactuals: the reference data has no rows to measure feature ranges on.', { argument: 'data' });
  const f = features.length;
  const space = { categorical: new Uint8Array(f), min: new Float64Array(f), max: new Float64Array(f), integer: new Uint8Array(f), scale: new Float64Array(f), levels: new Int32Array(f) };
  features.forEach((feature, j) => {
    if (feature.type === 'categorical') {
      space.categorical[j] = 1;
      space.levels[j] = feature.categories?.length ?? 0;
      space.min[j] = 0;
      space.max[j] = Math.max(0, space.levels[j]! - 1);
      space.integer[j] = 1;
      space.scale[j] = 1;
      return;
    }
    const values: number[] = [];
    let integer = 1;
    for (let i = 0; i < data.nRows; i++) {
      const v = data.data[i * data.nFeatures + j]!;
      if (Number.isNaN(v)) continue;
      values.push(v);
      if (!Number.isInteger(v)) integer = 0;
    }
    const sorted = Float64Array.from(values).sort();
    const lo = sorted.length > 0 ? sorted[0]! : 0;
    const hi = sorted.length > 0 ? sorted[sorted.length - 1]! : 0;
    const range = hi - lo > 0 ? hi - lo : 1;
    space.min[j] = lo;
    space.max[j] = hi;
    space.integer[j] = integer;
    space.scale[j] = normalisation === 'range' ? range : madOr(sorted, range);
  });
  return { names: features.map((x) => x.name), normalisation, ...space };
}

function madOr(sorted: Float64Array, fallback: number): number {
  if (sorted.length === 0) return fallback;
  const median = quantileSorted(sorted, 0.5);
  const deviations = Float64Array.from(sorted, (v) => Math.abs(v - median)).sort();
  const mad = quantileSorted(deviations, 0.5);
  return mad > 0 ? mad : fallback;
}

/** Normalised distance between two raw rows: Σ|Δ|/scale (l1) or √Σ(Δ/scale)² (l2); categories differ by 1. Missing vs present counts 1. */
export function rowDistance(space: FeatureSpace, a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number, metric: DistanceMetric): number {
  let sum = 0;
  const f = space.names.length;
  for (let j = 0; j < f; j++) {
    const x = a[aOffset + j]!;
    const y = b[bOffset + j]!;
    let d: number;
    if (Number.isNaN(x) || Number.isNaN(y)) d = Number.isNaN(x) && Number.isNaN(y) ? 0 : 1;
    else if (space.categorical[j]) d = x === y ? 0 : 1;
    else d = Math.abs(x - y) / space.scale[j]!;
    sum += metric === 'l1' ? d : d * d;
  }
  return metric === 'l1' ? sum : Math.sqrt(sum);
}

/** Names of the features whose values differ between two rows. */
export function changedFeatures(space: FeatureSpace, a: ArrayLike<number>, b: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let j = 0; j < space.names.length; j++) if (!sameValue(a[j]!, b[j]!)) out.push(space.names[j]!);
  return out;
}

export function sameValue(x: number, y: number): boolean {
  return x === y || (Number.isNaN(x) && Number.isNaN(y));
}

/** Feature indices from names; an unknown name is an error listing the known ones. */
export function featureIndices(space: FeatureSpace, names: readonly string[], argument: string): number[] {
  return names.map((name) => {
    const j = space.names.indexOf(name);
    if (j < 0) throw new GlassboxError('invalid_argument', `${argument}: "${name}" is not a feature (known: ${space.names.join(', ')})`, { argument, hint: 'Use feature names from the schema.' });
    return j;
  });
}
