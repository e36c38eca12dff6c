import type { Hono } from 'hono';
import { z } from 'zod';
import { matchPredicates, type Predicate } from '../../data/predicate.js';
import { findColumn } from '../../data/table.js';
import { GlassboxError } from '../../errors.js';
import { parseWith } from '../errors.js';
import { cellValue, type ScoredRows } from '../scored-rows.js';
import type { DashboardSession } from '../session.js';

const predicateSchema = z.object({
  feature: z.string(),
  op: z.enum(['<', '<=', '>', '>=', '==', '!=', 'in']),
  value: z.union([z.number(), z.string(), z.array(z.union([z.string(), z.number()]))]),
});

/** `filter`: a conjunction of predicates on columns, and/or a set of row ids (a slice's or a lasso's rows). */
export const rowFilterSchema = z.union([
  z.array(predicateSchema),
  z.object({ predicates: z.array(predicateSchema).optional(), rowIds: z.array(z.number().int().min(0)).optional() }).strict(),
]);

const querySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
  filter: z.string().optional(),
});

/**
 * GET /api/rows?offset&limit&filter: a page of rows with their features, label, predicted class and
 * outputs, and `total`, the number of rows the filter keeps. `filter` is JSON (see rowFilterSchema).
 */
export function rowsRoute(app: Hono, session: DashboardSession, scored: () => Promise<ScoredRows>): void {
  const { table, schema, model } = session;
  const featureColumns = schema.features.map((f) => findColumn(table, f.name)).filter((c) => c !== undefined);
  const label = schema.target ? findColumn(table, schema.target.name) : undefined;
  const classes = model.task === 'regression' ? undefined : model.classes;
  app.get('/api/rows', async (c) => {
    const query = parseWith('GET /api/rows', querySchema, c.req.query());
    const kept = selected(session, query.filter);
    const { outputs, width } = await scored();
    const page = kept.slice(query.offset, query.offset + query.limit);
    const rows = Array.from(page, (i) => {
      const out = Array.from(outputs.subarray(i * width, (i + 1) * width));
      const features: Record<string, number | string | null> = {};
      for (const column of featureColumns) features[column!.name] = cellValue(column!, i);
      return { rowId: table.rowIds[i]!, features, label: label ? cellValue(label, i) : null, prediction: classes ? classes[argmax(out)]! : out[0]!, outputs: out };
    });
    return c.json({ rows, total: kept.length, offset: query.offset, limit: query.limit });
  });
}

/** Table indices the filter keeps, in table order. */
export function selected(session: DashboardSession, filter: string | undefined): Int32Array {
  const { table } = session;
  if (filter === undefined || filter.trim() === '') return Int32Array.from({ length: table.nRows }, (_, i) => i);
  let parsed: unknown;
  try {
    parsed = JSON.parse(filter);
  } catch (error) {
    throw new GlassboxError('invalid_argument', `GET /api/rows: filter is not valid JSON (${(error as Error).message}).`, { argument: 'filter', hint: 'e.g. filter=[{"feature":"age","op":"<","value":25}] or filter={"rowIds":[3,7]}' });
  }
  const spec = parseWith('GET /api/rows: filter', rowFilterSchema, parsed);
  const predicates = (Array.isArray(spec) ? spec : (spec.predicates ?? [])) as Predicate[];
  const mask = predicates.length > 0 ? matchPredicates(table, predicates, 'filter') : undefined;
  const ids = Array.isArray(spec) ? undefined : spec.rowIds ? new Set(spec.rowIds) : undefined;
  const kept: number[] = [];
  for (let i = 0; i < table.nRows; i++) if ((!mask || mask[i]) && (!ids || ids.has(table.rowIds[i]!))) kept.push(i);
  return Int32Array.from(kept);
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k]! > values[best]!) best = k;
  return best;
}
