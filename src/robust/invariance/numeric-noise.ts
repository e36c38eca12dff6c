import type { RawMatrix } from '../../encode/encoder.js';
import type { Rng } from '../../rng.js';
import type { NumericFeatureStats } from './feature-stats.js';

/** One feature the noise perturbs: its column, noise scale and the bounds perturbed values stay in. */
export interface NoiseFeature {
  readonly column: number;
  /** Standard deviation of the added noise: `scale × spread`. */
  readonly sigma: number;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

/** The noise settings of a feature: σ = scale × its spread; bounds as declared, else the reference range. */
export function noiseFeature(column: number, stats: NumericFeatureStats, scale: number, bounds?: readonly [number, number]): NoiseFeature {
  return { column, sigma: scale * stats.spread, min: bounds?.[0] ?? stats.min, max: bounds?.[1] ?? stats.max, integer: stats.integer };
}

/** Perturbed rows and, for each, the audited row it came from. */
export interface TabularBatch {
  readonly raw: RawMatrix;
  readonly source: Int32Array;
}

/**
 * Small numeric noise: each of `samples` copies of a row gets x + σ·z (z standard normal, drawn per
 * feature) on the listed features, clipped to [min, max] and rounded to a whole number for integer
 * features. A copy equal to its row (the noise rounded away, or clipped at a bound it already sat on)
 * is dropped, so every returned row differs from its source; missing values stay missing.
 */
export function numericNoise(rows: RawMatrix, features: readonly NoiseFeature[], samples: number, rng: Rng): TabularBatch {
  const f = rows.nFeatures;
  const data: number[] = [];
  const source: number[] = [];
  const copy = new Float64Array(f);
  for (let i = 0; i < rows.nRows; i++) {
    const row = rows.data.subarray(i * f, (i + 1) * f);
    for (let s = 0; s < samples; s++) {
      copy.set(row);
      let changed = false;
      for (const feature of features) {
        const x = row[feature.column]!;
        const z = rng.normal();
        if (!Number.isFinite(x)) continue;
        let v = Math.min(feature.max, Math.max(feature.min, x + feature.sigma * z));
        if (feature.integer) v = Math.min(feature.max, Math.max(feature.min, Math.round(v)));
        copy[feature.column] = v;
        if (v !== x) changed = true;
      }
      if (!changed) continue;
      for (let j = 0; j < f; j++) data.push(copy[j]!);
      source.push(i);
    }
  }
  return { raw: { data: Float64Array.from(data), nRows: source.length, nFeatures: f }, source: Int32Array.from(source) };
}
