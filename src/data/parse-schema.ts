import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GlassboxError } from '../errors.js';
import type { Schema } from './schema.js';
import { isReferenceSchema, referenceSchemaToSchema, referenceSchemaZod } from './reference-schema.js';

const unique = (values: readonly string[]): boolean => new Set(values).size === values.length;

const featureZod = z.object({
  name: z.string().min(1),
  type: z.enum(['numeric', 'categorical', 'text', 'image']),
  categories: z.array(z.string()).refine(unique, 'categories must be unique').optional(),
});

const targetZod = z
  .object({
    name: z.string().min(1),
    task: z.enum(['binary', 'multiclass', 'regression']),
    classes: z.array(z.string()).min(2).refine(unique, 'classes must be unique').optional(),
    positiveClass: z.string().optional(),
  })
  .refine((t) => t.task !== 'binary' || !t.classes || t.classes.length === 2, 'a binary target needs exactly 2 classes [negative, positive]')
  .refine((t) => !t.positiveClass || !t.classes || t.classes.includes(t.positiveClass), 'positiveClass must be one of classes')
  .refine((t) => t.task !== 'regression' || !t.classes, 'a regression target has no classes');

const protectedZod = z
  .object({
    name: z.string().min(1),
    column: z.string().min(1),
    mapping: z.record(z.string(), z.string()).optional(),
    otherwise: z.string().optional(),
    edges: z.array(z.number()).optional(),
    labels: z.array(z.string()).optional(),
  })
  .refine((p) => !(p.mapping && p.edges), 'give either mapping or edges, not both')
  .refine((p) => !p.edges || p.edges.every((e, i) => i === 0 || e > p.edges![i - 1]!), 'edges must be strictly increasing')
  .refine((p) => !p.edges || (p.labels?.length ?? p.edges.length + 1) === p.edges.length + 1, 'labels must have one more entry than edges');

/** Our own schema JSON: the {@link Schema} interface as JSON (documented in docs/data.md). */
export const schemaZod = z.object({
  version: z.literal(1).optional(),
  features: z.array(featureZod).min(1),
  target: targetZod.optional(),
  protected: z.array(protectedZod).optional(),
  metadata: z.array(z.string()).optional(),
  rowId: z.string().optional(),
  split: z.object({ column: z.string().min(1), testValue: z.string() }).optional(),
  missing: z.enum(['error', 'drop', 'impute']).optional(),
});

function zodFailure(source: string, error: z.ZodError): GlassboxError {
  const issues = error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return new GlassboxError('invalid_input', `Invalid schema in ${source}: ${issues.join('; ')}.`, {
    file: source,
    count: error.issues.length,
    issues,
    hint: 'See docs/data.md for the schema format (our own JSON, or the reference schema.json format).',
  });
}

/** Feature names must be unique and must not double as the target. */
function checkConsistency(schema: Schema, source: string): Schema {
  const names = schema.features.map((f) => f.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  const problem = duplicate !== undefined
    ? `feature "${duplicate}" is listed twice`
    : schema.target && names.includes(schema.target.name)
      ? `the target "${schema.target.name}" is also listed as a feature`
      : undefined;
  if (problem) {
    throw new GlassboxError('invalid_input', `Invalid schema in ${source}: ${problem}.`, { file: source, hint: 'Each column appears once: as a feature, the target, or metadata.' });
  }
  return schema;
}

/**
 * Validates a schema given as parsed JSON, in our own format or in the reference `schema.json` format
 * (features with categories, `target {column, positive_class, negative_class}`, `split {column, rule}`,
 * `protected_attributes` with `mapping`, `binary_rule` or numeric `buckets`). Category order is kept as given:
 * it defines the codes.
 */
export function parseSchema(json: unknown, source = 'schema'): Schema {
  if (isReferenceSchema(json)) {
    const parsed = referenceSchemaZod.safeParse(json);
    if (!parsed.success) throw zodFailure(source, parsed.error);
    return checkConsistency(referenceSchemaToSchema(parsed.data, source), source);
  }
  const parsed = schemaZod.safeParse(json);
  if (!parsed.success) throw zodFailure(source, parsed.error);
  const { version: _version, ...schema } = parsed.data;
  return checkConsistency(schema as Schema, source);
}

/** Reads and validates a schema file (see {@link parseSchema}). */
export function loadSchema(path: string): Schema {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new GlassboxError('invalid_input', `Schema file not found: ${path}.`, { file: path, hint: 'Check the --schema path.' }, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GlassboxError('invalid_input', `Schema file ${path} is not valid JSON: ${(error as Error).message}`, {
      file: path,
      hint: 'Fix the JSON syntax (a trailing comma or a missing quote is the usual culprit).',
    }, { cause: error });
  }
  return parseSchema(json, path);
}
