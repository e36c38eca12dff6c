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

/** Category lists a schema fixes (features with categories, a classification target with classes). */
export interface KnownCategories {
  readonly categories: readonly string[];
  readonly role: 'category' | 'class';
}

/** Columns whose codes the schema fixes: they are coded against its lists while loading (no dictionary pass). */
export function columnCategoriesFromSchema(schema: Schema | undefined): Record<string, KnownCategories> {
  const known: Record<string, KnownCategories> = {};
  if (!schema) return known;
  for (const f of schema.features) if (f.type === 'categorical' && f.categories && f.categories.length > 0) known[f.name] = { categories: f.categories, role: 'category' };
  const t = schema.target;
  if (t && t.task !== 'regression' && t.classes && t.classes.length > 0) known[t.name] = { categories: t.classes, role: 'class' };
  return known;
}
