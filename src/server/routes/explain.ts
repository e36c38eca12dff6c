import type { Hono } from 'hono';
import { z } from 'zod';
import { attributionToJson } from '../../explain/attribution.js';
import type { Explainer } from '../../explain/explainer.js';
import type { RawMatrix } from '../../encode/encoder.js';
import { GlassboxError } from '../../errors.js';
import { rowSize, type Tensor } from '../../model/tensor.js';
import { parseWith, readJson } from '../errors.js';
import { defaultMethod, findServerMethod } from '../explain-methods.js';
import { rawFromRecords } from '../raw-rows.js';
import { rowIndexById, type ScoredRows } from '../scored-rows.js';
import type { DashboardSession } from '../session.js';
import { recordSchema } from './predict.js';

const bodySchema = z
  .object({
    row: recordSchema.optional(),
    rowId: z.number().int().min(0).optional(),
    method: z.string().optional(),
    target: z.number().int().min(0).optional(),
    seed: z.number().int().min(0).max(0xffffffff).default(0),
    /** KernelSHAP's coalitions ('auto' = 2M + 2048) and the background rows of the Shapley methods. */
    samples: z.union([z.literal('auto'), z.number().int().min(2).max(100_000)]).optional(),
    backgroundRows: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
  .refine((b) => (b.row === undefined) !== (b.rowId === undefined), { message: 'give exactly one of row (feature values) or rowId (a served row)' });

/**
 * The dashboard's Shapley settings: the what-if editor re-explains on every edit, so KernelSHAP runs
 * 1,024 coalitions on the first 25 background rows (about 90 ms of CPU for the credit MLP) where
 * `glassbox explain` runs shap's 'auto' budget (2M + 2048) on 100 rows; a request may ask for those
 * (`samples: 'auto', backgroundRows: 100`). Attributions carry their sampling standard errors either way.
 */
export const DASHBOARD_SHAPLEY = { backgroundRows: 25, samples: 1024 as number | 'auto' };

/**
 * POST /api/explain {row | rowId, method?, target?, seed?, samples?, backgroundRows?} → an Attribution (JSON) and the explainer's
 * properties. Without `method`: TreeSHAP for trees, KernelSHAP for other tabular models, Integrated
 * Gradients for differentiable image models. Tabular background: the first
 * DASHBOARD_SHAPLEY.backgroundRows background rows (LIME: all of them).
 */
export function explainRoute(app: Hono, session: DashboardSession, scored: () => Promise<ScoredRows>): void {
  const route = 'POST /api/explain';
  const explainers = new Map<string, Explainer<never, never>>();
  const byId = rowIndexById(session.table);
  app.post('/api/explain', async (c) => {
    const body = parseWith(route, bodySchema, await readJson(c, route));
    const name = body.method ?? defaultMethod(session);
    const method = findServerMethod(name, session, route);
    const samples = body.samples ?? DASHBOARD_SHAPLEY.samples;
    const key = `${name}:${body.seed}:${samples}`;
    let explainer = explainers.get(key);
    if (!explainer) explainers.set(key, (explainer = await method.create(body.seed, samples)));
    const { pipe, raw } = await scored();
    const index = body.rowId === undefined ? undefined : byId.get(body.rowId);
    if (body.rowId !== undefined && index === undefined) throw new GlassboxError('invalid_argument', `${route}: rowId ${body.rowId} is not a served row.`, { argument: 'rowId', hint: `Row ids are 0-based data rows of ${session.title}.` });
    const target = body.target === undefined ? {} : { target: checkTarget(body.target, session, route) };
    const signal = c.req.raw.signal;
    if (method.input === 'tabular') {
      const x = body.row ? rawFromRecords(session, [body.row], route) : rawRows(raw!, [index!]);
      const background = method.background ? backgroundRows(session, raw!, method.background === 'shapley' ? (body.backgroundRows ?? DASHBOARD_SHAPLEY.backgroundRows) : Infinity) : undefined;
      const attribution = await explainer.explain(pipe as never, x as never, { ...(background ? { background } : {}), ...target, signal } as never);
      return c.json({ ...attributionToJson(attribution), properties: explainer.properties });
    }
    if (index === undefined) throw new GlassboxError('invalid_argument', `${route}: ${session.title} takes rowId (a served image), not feature values.`, { argument: 'row' });
    const x = tensorRow(session.x!, index);
    const attribution = await explainer.explain(session.model as never, x as never, { target: body.target ?? 'predicted', signal } as never);
    return c.json({ ...attributionToJson(attribution), properties: explainer.properties });
  });
}

function checkTarget(target: number, session: DashboardSession, route: string): number {
  if (target < session.model.outputWidth) return target;
  throw new GlassboxError('invalid_argument', `${route}: target ${target} is not an output of the model (it has ${session.model.outputWidth}).`, { argument: 'target', hint: `Classes: ${session.model.classes.join(', ')}.` });
}

/** Selected rows of a raw matrix. */
export function rawRows(raw: RawMatrix, rows: readonly number[]): RawMatrix {
  const f = raw.nFeatures;
  const data = new Float64Array(rows.length * f);
  rows.forEach((r, i) => data.set(raw.data.subarray(r * f, (r + 1) * f), i * f));
  return { data, nRows: rows.length, nFeatures: f };
}

/** The first n background rows (the training split when there is one, else every served row). */
export function backgroundRows(session: DashboardSession, raw: RawMatrix, n: number): RawMatrix {
  const rows = session.backgroundRows ?? Int32Array.from({ length: raw.nRows }, (_, i) => i);
  return rawRows(raw, Array.from(rows.subarray(0, Math.min(n, rows.length))));
}

function tensorRow(x: Tensor, row: number): Tensor {
  const size = rowSize(x.shape);
  return { data: x.data.slice(row * size, (row + 1) * size), shape: [1, ...x.shape.slice(1)] };
}
