import { z } from 'zod';
import { SEVERITIES } from './finding.js';

/** Version of the results.json format; bumped on any incompatible change (see docs/results.md). */
export const RESULTS_SCHEMA_VERSION = 1;

const predicateSchema = z.object({
  feature: z.string(),
  op: z.enum(['==', '!=', '<', '<=', '>', '>=', 'in']),
  value: z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]),
});

const intervalSchema = z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() });

const headlineSchema = z.object({
  id: z.string(),
  detector: z.string(),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  summary: z.string(),
  metric: z.string(),
  value: z.number().nullable(),
  baseline: z.number().nullable().optional(),
  interval: intervalSchema.optional(),
});

/** A finding folded into another (same rows, complement, or an intersection that restates its parent). */
const relatedFindingSchema = headlineSchema.extend({
  relation: z.enum(['same-rows', 'complement', 'intersection', 'same-test']),
  reason: z.string(),
});

export const findingSchema = headlineSchema.extend({
  slice: z.array(predicateSchema).optional(),
  examples: z.array(z.number()),
  evidence: z.record(z.string(), z.unknown()),
  suggestion: z.string(),
  reproduce: z.string(),
  related: z.array(relatedFindingSchema).optional(),
});

const blockSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), markdown: z.string() }),
  z.object({ kind: z.literal('table'), caption: z.string().optional(), columns: z.array(z.string()), rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))) }),
  z.object({ kind: z.literal('chart'), caption: z.string().optional(), spec: z.record(z.string(), z.unknown()) }),
  z.object({ kind: z.literal('image'), caption: z.string().optional(), pngBase64: z.string(), width: z.number().optional() }),
  z.object({ kind: z.literal('highlighted-text'), caption: z.string().optional(), tokens: z.array(z.string()), weights: z.array(z.number()) }),
  z.object({ kind: z.literal('image-grid'), caption: z.string().optional(), columns: z.array(z.string()), rows: z.array(z.object({ title: z.string(), images: z.array(z.string()) })) }),
]);

export const sectionSchema = z.object({ id: z.string(), title: z.string(), blocks: z.array(blockSchema) });

export const resultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('glassbox'), version: z.string() }),
  input: z.object({
    data: z.string(),
    model: z.string(),
    demo: z.string().optional(),
    rows: z.number().int(),
    trainRows: z.number().int().optional(),
    features: z.array(z.string()),
    target: z.string().optional(),
    task: z.enum(['binary', 'multiclass', 'regression']),
    classes: z.array(z.string()),
    protected: z.array(z.string()),
    seed: z.number().int(),
  }),
  /**
   * What the reader must know about how the inputs were read: an inferred schema, scaling fitted on the
   * data, unknown categories let through. Optional, so results written before it existed still parse.
   */
  warnings: z.array(z.object({ code: z.string(), message: z.string() })).optional(),
  summary: z.object({
    findings: z.number().int(),
    bySeverity: z.record(z.string(), z.number().int()),
    maxSeverity: z.enum(SEVERITIES).nullable(),
    detectors: z.array(z.object({ id: z.string(), title: z.string(), status: z.enum(['ran', 'skipped', 'failed']), reason: z.string().optional() })),
  }),
  findings: z.array(findingSchema),
  detectors: z.record(z.string(), z.unknown()),
  sections: z.array(sectionSchema),
});

export type ScanResults = z.infer<typeof resultsSchema>;
