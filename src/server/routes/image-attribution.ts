import type { Hono } from 'hono';
import { z } from 'zod';
import { attributionToJson } from '../../explain/attribution.js';
import { integratedGradients } from '../../explain/gradients/integrated-gradients.js';
import { GlassboxError } from '../../errors.js';
import { isDifferentiable } from '../../model/capabilities.js';
import { rowSize } from '../../model/tensor.js';
import { parseWith, readJson } from '../errors.js';
import { rowIndexById } from '../scored-rows.js';
import type { DashboardSession } from '../session.js';

const bodySchema = z.object({ rowId: z.number().int().min(0) }).strict();

/**
 * POST /api/image-attribution {rowId} → the served image (model input, height × width × channels) and its
 * Integrated Gradients attribution for the predicted class in probability space (the digits demo's
 * TF.js model reports probabilities only), for the dashboard's overlay.
 */
export function imageAttributionRoute(app: Hono, session: DashboardSession): void {
  const route = 'POST /api/image-attribution';
  const byId = rowIndexById(session.table);
  const explainer = integratedGradients({ output: 'probabilities', seed: 0 });
  app.post('/api/image-attribution', async (c) => {
    const { rowId } = parseWith(route, bodySchema, await readJson(c, route));
    const x = session.x;
    if (!x || x.shape.length !== 4) throw new GlassboxError('invalid_argument', `${route}: ${session.title} does not serve images.`, { argument: 'rowId' });
    if (!isDifferentiable(session.model)) throw new GlassboxError('missing_capability', `${route}: the model exposes no gradients.`, { argument: 'rowId' });
    const index = byId.get(rowId);
    if (index === undefined) throw new GlassboxError('invalid_argument', `${route}: rowId ${rowId} is not a served row.`, { argument: 'rowId', hint: `Row ids are 0-based data rows of ${session.title}.` });
    const size = rowSize(x.shape);
    const image = { data: x.data.slice(index * size, (index + 1) * size), shape: [1, ...x.shape.slice(1)] };
    const attribution = await explainer.explain(session.model as never, image as never, { target: 'predicted', signal: c.req.raw.signal } as never);
    return c.json({ rowId, shape: x.shape.slice(1), pixels: Array.from(image.data), attribution: attributionToJson(attribution) });
  });
}
