import { z } from 'zod';
import { GlassboxError } from '../errors.js';
import type { FeatureSpec, ProtectedSpec, Schema, SplitSpec, TargetSpec } from './schema.js';

/** The reference sets' schema.json format (../shared/reference/<set>/schema.json). */
export const referenceSchemaZod = z.object({
  features: z.array(z.object({
    name: z.string().min(1),
    type: z.enum(['numeric', 'categorical', 'text', 'image']),
    categories: z.array(z.string()).optional(),
  })).min(1),
  feature_order: z.array(z.string()).optional(),
  target: z.object({
    column: z.string().min(1),
    positive_class: z.string().optional(),
    negative_class: z.string().optional(),
    classes: z.array(z.string()).optional(),
  }).optional(),
  split: z.object({ column: z.string().min(1), rule: z.string().optional() }).optional(),
  protected_attributes: z.array(z.object({
    name: z.string().min(1),
    column: z.string().optional(),
    derived_from: z.string().optional(),
    mapping: z.record(z.string(), z.string()).optional(),
    binary_rule: z.string().optional(),
    buckets: z.array(z.object({ name: z.string(), rule: z.string() })).optional(),
  }).refine((p) => p.column !== undefined || p.derived_from !== undefined, 'a protected attribute needs column or derived_from')).optional(),
});

export type ReferenceSchema = z.infer<typeof referenceSchemaZod>;

/** True for JSON in the reference format (snake_case keys that our own format does not use). */
export function isReferenceSchema(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const o = json as Record<string, unknown>;
  const target = o.target as Record<string, unknown> | undefined;
  return 'protected_attributes' in o || 'feature_order' in o || 'category_order_rule' in o || (typeof target === 'object' && target !== null && 'column' in target);
}

function badRule(source: string, what: string, rule: string, hint: string): GlassboxError {
  return new GlassboxError('schema_mismatch', `Unsupported ${what} in ${source}: ${JSON.stringify(rule)}.`, { file: source, rule, hint });
}

interface Interval { readonly lo: number; readonly hi: number; readonly name: string }

/** "age < 25" → [-∞, 25); "age >= 25" → [25, ∞); "25 <= age < 40" → [25, 40). */
function parseBucket(rule: string, name: string, source: string): Interval {
  const num = '(-?\\d+(?:\\.\\d+)?)';
  const below = new RegExp(`^\\s*[\\w-]+\\s*<\\s*${num}\\s*$`).exec(rule);
  if (below) return { lo: -Infinity, hi: Number(below[1]), name };
  const above = new RegExp(`^\\s*[\\w-]+\\s*>=\\s*${num}\\s*$`).exec(rule);
  if (above) return { lo: Number(above[1]), hi: Infinity, name };
  const between = new RegExp(`^\\s*${num}\\s*<=\\s*[\\w-]+\\s*<\\s*${num}\\s*$`).exec(rule);
  if (between) return { lo: Number(between[1]), hi: Number(between[2]), name };
  throw badRule(source, 'bucket rule', rule, 'Write bucket rules as "x < a", "a <= x < b" or "x >= b" (half-open intervals).');
}

/** Contiguous half-open buckets → edges and labels (value < edges[0] → labels[0], …). */
export function bucketsToEdges(buckets: readonly { name: string; rule: string }[], source: string): { edges: number[]; labels: string[] } {
  const intervals = buckets.map((b) => parseBucket(b.rule, b.name, source)).sort((a, b) => a.lo - b.lo);
  const ok = intervals.length > 0
    && intervals[0]!.lo === -Infinity
    && intervals[intervals.length - 1]!.hi === Infinity
    && intervals.every((b, i) => i === 0 || b.lo === intervals[i - 1]!.hi);
  if (!ok) {
    throw badRule(source, 'bucket set (it leaves a gap or an overlap)', buckets.map((b) => b.rule).join('; '), 'Buckets must cover the whole number line without gaps or overlaps.');
  }
  return { edges: intervals.slice(0, -1).map((b) => b.hi), labels: intervals.map((b) => b.name) };
}

function convertProtected(p: NonNullable<ReferenceSchema['protected_attributes']>[number], source: string): ProtectedSpec {
  const column = p.derived_from ?? p.column!;
  if (p.buckets) return { name: p.name, column, ...bucketsToEdges(p.buckets, source) };
  if (p.mapping) return { name: p.name, column, mapping: p.mapping };
  if (p.binary_rule) {
    const m = /^\s*'(.*)'\s+if\s+[\w-]+\s*==\s*'(.*)'\s+else\s+'(.*)'\s*$/.exec(p.binary_rule);
    if (!m) throw badRule(source, 'binary_rule', p.binary_rule, `Write it as "'A' if column == 'v' else 'B'".`);
    return { name: p.name, column, mapping: { [m[2]!]: m[1]! }, otherwise: m[3]! };
  }
  return { name: p.name, column };
}

/** "_is_test == True -> test, …" → { column: "_is_test", testValue: "True" }; other rules default to "True". */
function convertSplit(split: NonNullable<ReferenceSchema['split']>): SplitSpec {
  const m = split.rule ? /^\s*([\w-]+)\s*==\s*'?([^'\s,]+)'?/.exec(split.rule) : null;
  if (m && m[1] === split.column) return { column: split.column, testValue: m[2]! };
  return { column: split.column, testValue: 'True' };
}

function convertTarget(t: NonNullable<ReferenceSchema['target']>): TargetSpec {
  if (t.positive_class !== undefined && t.negative_class !== undefined) {
    return { name: t.column, task: 'binary', classes: [t.negative_class, t.positive_class], positiveClass: t.positive_class };
  }
  if (t.classes) return { name: t.column, task: t.classes.length === 2 ? 'binary' : 'multiclass', classes: t.classes };
  return { name: t.column, task: 'binary', ...(t.positive_class ? { positiveClass: t.positive_class } : {}) };
}

/** Converts the reference format to our {@link Schema}; `feature_order` (when given) orders the features. */
export function referenceSchemaToSchema(ref: ReferenceSchema, source: string): Schema {
  let features: FeatureSpec[] = ref.features.map((f) => ({ name: f.name, type: f.type, ...(f.categories ? { categories: f.categories } : {}) }));
  if (ref.feature_order) {
    const byName = new Map(features.map((f) => [f.name, f]));
    const missing = ref.feature_order.filter((n) => !byName.has(n));
    if (missing.length > 0 || ref.feature_order.length !== features.length) {
      throw new GlassboxError('invalid_input', `Invalid schema in ${source}: feature_order does not list the same columns as features (${missing.join(', ') || 'count differs'}).`, {
        file: source,
        hint: 'Make feature_order a permutation of the feature names.',
      });
    }
    features = ref.feature_order.map((n) => byName.get(n)!);
  }
  return {
    features,
    ...(ref.target ? { target: convertTarget(ref.target) } : {}),
    ...(ref.protected_attributes ? { protected: ref.protected_attributes.map((p) => convertProtected(p, source)) } : {}),
    ...(ref.split ? { split: convertSplit(ref.split) } : {}),
  };
}
