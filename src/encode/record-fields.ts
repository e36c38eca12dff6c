import { GlassboxError } from '../errors.js';
import type { EncodedFeature } from './encoder.js';
import type { RawFeature } from './raw-matrix.js';

/**
 * Refuses a record (a JSON row) with a field that is not one of `features`, naming the record, the
 * field and the known features, so a misspelt feature is an error rather than silently ignored.
 * `allowed` lists other fields that may appear (e.g. the label column) and are ignored.
 */
export function checkRecordFields(records: readonly Readonly<Record<string, unknown>>[], features: readonly RawFeature[], source = 'records', allowed: readonly string[] = []): void {
  const known = new Set([...features.map((f) => f.name), ...allowed]);
  records.forEach((record, i) => {
    for (const field of Object.keys(record)) {
      if (known.has(field)) continue;
      throw new GlassboxError('invalid_input', `${source}: record ${i} (0-based) has "${field}", which is not a feature (known: ${features.map((f) => f.name).join(', ')})`, {
        column: field,
        row: i,
        hint: 'Use the feature names of the schema; drop fields the model does not take.',
      });
    }
  });
}

/** A raw row (ordinal-coded, feature order) as a JSON record {feature: value}: category codes become their names, missing becomes null. */
export function recordFromRaw(features: readonly EncodedFeature[], values: ArrayLike<number>): Record<string, number | string | null> {
  const record: Record<string, number | string | null> = {};
  features.forEach((f, j) => {
    const v = values[j]!;
    record[f.name] = Number.isNaN(v) ? null : f.type === 'categorical' ? (f.categories?.[v] ?? null) : v;
  });
  return record;
}
