import type { Hono } from 'hono';
import { z } from 'zod';
import { predictRawBatched } from '../../global/predict.js';
import { parseWith, readJson } from '../errors.js';
import { rawFromRecords } from '../raw-rows.js';
import type { ScoredRows } from '../scored-rows.js';
import type { DashboardSession } from '../session.js';

export const recordSchema = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));
const bodySchema = z.object({ rows: z.array(recordSchema).min(1).max(10_000) }).strict();

/** POST /api/predict {rows: [{feature: value}]} → {classes, outputs}: the model's outputs per row, as `glassbox predict` prints them. */
export function predictRoute(app: Hono, session: DashboardSession, scored: () => Promise<ScoredRows>): void {
  const route = 'POST /api/predict';
  const classes = session.model.task === 'regression' ? ['value'] : [...session.model.classes];
  app.post('/api/predict', async (c) => {
    const body = parseWith(route, bodySchema, await readJson(c, route));
    const raw = rawFromRecords(session, body.rows, route);
    const { pipe, width } = await scored();
    const out = await predictRawBatched(pipe!, raw);
    const outputs = Array.from({ length: raw.nRows }, (_, i) => Array.from(out.subarray(i * width, (i + 1) * width)));
    return c.json({ classes, outputs });
  });
}
