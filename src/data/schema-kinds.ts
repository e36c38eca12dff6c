import type { ColumnKind } from './table.js';
import type { Schema } from './schema.js';

/**
 * The column kinds a schema implies: each feature's type (image paths are text), a classification target and
 * the split column as categorical, a regression target as numeric. Other columns are left to inference.
 */
export function columnKindsFromSchema(schema: Schema | undefined): Record<string, ColumnKind> {
  const kinds: Record<string, ColumnKind> = {};
  if (!schema) return kinds;
  for (const feature of schema.features) kinds[feature.name] = feature.type === 'image' ? 'text' : feature.type;
  if (schema.target) kinds[schema.target.name] = schema.target.task === 'regression' ? 'numeric' : 'categorical';
  if (schema.split) kinds[schema.split.column] = 'categorical';
  return kinds;
}
