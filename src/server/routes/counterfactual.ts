import type { Hono } from 'hono';
import { z } from 'zod';
import { diceCounterfactuals } from '../../explain/counterfactuals/dice-genetic.js';
import { measureFeatureSpace, type FeatureSpace, type Normalisation } from '../../explain/counterfactuals/feature-space.js';
import { nearestCounterfactual } from '../../explain/counterfactuals/nearest.js';
import { counterfactualResultToJson } from '../../explain/counterfactuals/types.js';
import { parseWith, readJson } from '../errors.js';
import { rawFromRecords, tabularEncoder } from '../raw-rows.js';
import { recordFromRaw } from '../../encode/record-fields.js';
import { rowIndexById, type ScoredRows } from '../scored-rows.js';
import type { DashboardSession } from '../session.js';
import { recordSchema } from './predict.js';
import { rawRows } from './explain.js';
import { GlassboxError } from '../../errors.js';

const bodySchema = z
  .object({
    row: recordSchema.optional(),
    rowId: z.number().int().min(0).optional(),
    /** 'dice' (default): generated, diverse; 'nearest': the closest data rows (What-If Tool). */
    method: z.enum(['dice', 'nearest']).default('dice'),
    target: z.number().int().min(0).optional(),
    mutable: z.array(z.string()).optional(),
    immutable: z.array(z.string()).optional(),
    count: z.number().int().min(1).max(20).optional(),
    metric: z.enum(['l1', 'l2']).optional(),
    normalisation: z.enum(['range', 'mad']).optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict()
  .refine((b) => (b.row === undefined) !== (b.rowId === undefined), { message: 'give exactly one of row (feature values) or rowId (a served row)' });

/**
 * POST /api/counterfactual {row | rowId, target?, mutable?, immutable?, method?, count?, metric?,
 * normalisation?, seed?} → {counterfactual, changed, distance} for the best one, and every
 * counterfactual found (each re-predicted) with the search's settings and notes. The served rows are
 * the reference data (feature ranges, nearest rows); their outputs are the cached ones.
 */
export function counterfactualRoute(app: Hono, session: DashboardSession, scored: () => Promise<ScoredRows>): void {
  const route = 'POST /api/counterfactual';
  const byId = rowIndexById(session.table);
  const spaces = new Map<Normalisation, FeatureSpace>();
  app.post('/api/counterfactual', async (c) => {
    const body = parseWith(route, bodySchema, await readJson(c, route));
    const encoder = tabularEncoder(session, route);
    const { pipe, raw, outputs } = await scored();
    let query;
    if (body.row) query = rawFromRecords(session, [body.row], route);
    else {
      const index = byId.get(body.rowId!);
      if (index === undefined) throw new GlassboxError('invalid_argument', `${route}: rowId ${body.rowId} is not a served row.`, { argument: 'rowId' });
      query = rawRows(raw!, [index]);
    }
    const normalisation = body.normalisation ?? 'mad';
    let space = spaces.get(normalisation);
    if (!space) spaces.set(normalisation, (space = measureFeatureSpace(encoder.features, raw!, normalisation)));
    const common = { ...(body.target === undefined ? {} : { target: body.target }), ...(body.metric ? { metric: body.metric } : {}), normalisation, ...(body.count ? { count: body.count } : {}) };
    const result =
      body.method === 'nearest'
        ? await nearestCounterfactual(pipe!, query, { data: raw!, rowIds: session.table.rowIds, predictions: outputs, space }, common)
        : await diceCounterfactuals(pipe!, query, { data: raw!, predictions: outputs, space, signal: c.req.raw.signal }, { ...common, ...(body.mutable ? { mutable: body.mutable } : {}), ...(body.immutable ? { immutable: body.immutable } : {}), ...(body.seed === undefined ? {} : { seed: body.seed }) });
    const classes = session.model.classes;
    const list = result.counterfactuals.map((cf) => ({ features: recordFromRaw(encoder.features, cf.values), changed: cf.changed, distance: cf.distance, outputs: Array.from(cf.outputs), prediction: classes[cf.predictedClass] ?? cf.predictedClass, ...(cf.rowId === undefined ? {} : { rowId: cf.rowId }) }));
    const best = list[0];
    return c.json({
      counterfactual: best?.features ?? null,
      changed: best?.changed ?? [],
      distance: best?.distance ?? null,
      counterfactuals: list,
      query: { features: recordFromRaw(encoder.features, result.query.values), outputs: Array.from(result.query.outputs), prediction: classes[result.query.predictedClass] },
      desiredClass: result.desiredClass < 0 ? null : classes[result.desiredClass],
      ...pick(counterfactualResultToJson(result), ['method', 'metric', 'normalisation', 'scales', 'featureNames', 'immutable', 'diversity', 'options', 'seed', 'notes']),
    });
  });
}

function pick(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in record).map((k) => [k, record[k]]));
}
