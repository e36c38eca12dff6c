import type { EncodedFeature } from '../encode/encoder.js';

/** A raw row (ordinal-coded, feature order) as a JSON record {feature: value}: category codes become their names, missing becomes null. */
export function recordFromRaw(features: readonly EncodedFeature[], values: ArrayLike<number>): Record<string, number | string | null> {
  const record: Record<string, number | string | null> = {};
  features.forEach((f, j) => {
    const v = values[j]!;
    record[f.name] = Number.isNaN(v) ? null : f.type === 'categorical' ? (f.categories?.[v] ?? null) : v;
  });
  return record;
}
