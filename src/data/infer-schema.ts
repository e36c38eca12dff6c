import { GlassboxError } from '../errors.js';
import type { Column, Table } from './table.js';
import { findColumn } from './table.js';
import type { FeatureSpec, Schema, SplitSpec, TargetSpec } from './schema.js';
import { numberText } from './column-convert.js';

export interface InferSchemaOptions {
  /** The target column; without it the schema has only features. */
  readonly target?: string | undefined;
  /** Binary targets: the positive class (default: the last class in code point order). */
  readonly positiveClass?: string | undefined;
  /** Columns to leave out of the features (ids, timestamps…). */
  readonly exclude?: readonly string[] | undefined;
  /** A numeric target with at most this many distinct integer values is a classification target. Default 20. */
  readonly maxClasses?: number | undefined;
}

const SPLIT_NAMES = new Set(['_is_test', 'is_test', '_split_is_test']);
const TRUE_TEXTS = new Set(['true', '1', 'yes', 'test']);

/** A column named like `_is_test` holding two values, one of them true-like, is the split flag. */
function detectSplit(table: Table): SplitSpec | undefined {
  for (const column of table.columns) {
    if (!SPLIT_NAMES.has(column.name.toLowerCase()) || column.kind !== 'categorical' || column.categories.length > 2) continue;
    const testValue = column.categories.find((c) => TRUE_TEXTS.has(c.toLowerCase()));
    if (testValue !== undefined) return { column: column.name, testValue };
  }
  return undefined;
}

function integerClasses(column: Column, maxClasses: number): string[] | undefined {
  if (column.kind !== 'numeric') return undefined;
  const seen = new Set<number>();
  for (const v of column.values) {
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) return undefined;
    seen.add(v);
    if (seen.size > maxClasses) return undefined;
  }
  return [...seen].sort((a, b) => a - b).map(numberText);
}

function inferTarget(table: Table, options: InferSchemaOptions): TargetSpec {
  const name = options.target!;
  const column = findColumn(table, name);
  if (!column) {
    throw new GlassboxError('invalid_argument', `Target column "${name}" is not in ${table.source ?? 'the data'}.`, {
      argument: 'target', column: name, hint: `Pick one of ${table.columns.map((c) => c.name).join(', ')}.`,
    });
  }
  if (column.kind === 'text') {
    throw new GlassboxError('invalid_argument', `Target column "${name}" holds free text (too many distinct values for classes).`, {
      argument: 'target', column: name, hint: 'Pass a schema declaring the target classes, or pick another target.',
    });
  }
  const classes = column.kind === 'categorical' ? [...column.categories] : integerClasses(column, options.maxClasses ?? 20);
  if (!classes) return { name, task: 'regression' };
  const positive = options.positiveClass ?? classes[classes.length - 1];
  if (positive !== undefined && !classes.includes(positive)) {
    throw new GlassboxError('invalid_argument', `positiveClass "${positive}" is not a value of target "${name}" (${classes.join(', ')}).`, {
      argument: 'positiveClass', column: name, hint: 'Pass one of the target values.',
    });
  }
  if (classes.length === 2) {
    const negative = classes.find((c) => c !== positive)!;
    return { name, task: 'binary', classes: [negative, positive!], positiveClass: positive! };
  }
  return { name, task: 'multiclass', classes };
}

function featureOf(column: Column): FeatureSpec {
  if (column.kind === 'categorical') return { name: column.name, type: 'categorical', categories: column.categories };
  return { name: column.name, type: column.kind };
}

/**
 * Infers a schema from a loaded table: column kinds become feature types (the loader already decided numeric vs
 * categorical vs text: low-cardinality strings → categorical sorted by code point, long free text → text), the
 * target's classes come from its values (binary: [negative, positive]), and a `_is_test` True/False column
 * becomes the split.
 */
export function inferSchema(table: Table, options: InferSchemaOptions = {}): Schema {
  const split = detectSplit(table);
  const target = options.target !== undefined ? inferTarget(table, options) : undefined;
  const skip = new Set([...(options.exclude ?? []), ...(split ? [split.column] : []), ...(target ? [target.name] : [])]);
  const features = table.columns.filter((c) => !skip.has(c.name)).map(featureOf);
  return { features, ...(target ? { target } : {}), ...(split ? { split } : {}) };
}
