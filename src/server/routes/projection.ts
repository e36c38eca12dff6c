import type { Hono } from 'hono';
import { z } from 'zod';
import { GlassboxError } from '../../errors.js';
import { isDifferentiable } from '../../model/capabilities.js';
import { rowSize, type Tensor } from '../../model/tensor.js';
import { collectActivations } from '../../represent/activations.js';
import type { RepresentationMatrix } from '../../represent/cka/matrix.js';
import { project, type Projection } from '../../represent/projection/project.js';
import { Rng } from '../../rng.js';
import { parseWith } from '../errors.js';
import type { ScoredRows } from '../scored-rows.js';
import type { DashboardSession } from '../session.js';

/** Most rows a projection places (a seeded sample of the served rows beyond that). */
export const PROJECTION_ROWS = 2000;

const querySchema = z.object({
  method: z.enum(['pca', 'tsne', 'umap']).default('pca'),
  layer: z.string().optional(),
  seed: z.coerce.number().int().min(0).default(0),
});

/**
 * GET /api/projection?method&layer?&seed? → 2-D coordinates of up to 2,000 served rows (a seeded
 * sample beyond that), with their row ids: of the model input (tabular rows encoded), or of a
 * layer's activations for differentiable models. PCA, t-SNE or UMAP through represent/; kept per query.
 */
export function projectionRoute(app: Hono, session: DashboardSession, scored: () => Promise<ScoredRows>): void {
  const route = 'GET /api/projection';
  const cache = new Map<string, Promise<Record<string, unknown>>>();
  app.get('/api/projection', async (c) => {
    const query = parseWith(route, querySchema, c.req.query());
    const key = JSON.stringify(query);
    let pending = cache.get(key);
    if (!pending) {
      pending = compute(session, scored, query, route);
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
    }
    return c.json(await pending);
  });
}

async function compute(session: DashboardSession, scored: () => Promise<ScoredRows>, query: z.output<typeof querySchema>, route: string): Promise<Record<string, unknown>> {
  const n = session.table.nRows;
  const rows = n <= PROJECTION_ROWS ? Int32Array.from({ length: n }, (_, i) => i) : new Rng(query.seed).permutation(n).subarray(0, PROJECTION_ROWS).sort();
  const input = await modelInput(session, scored, rows);
  let matrix: RepresentationMatrix;
  if (query.layer) {
    const model = session.model;
    if (!isDifferentiable(model)) throw new GlassboxError('missing_capability', `${route}: layer "${query.layer}" needs a model that exposes its activations; this one does not.`, { argument: 'layer', hint: 'Drop layer to project the model input.' });
    const layers = model.layerNames;
    if (!layers.includes(query.layer)) throw new GlassboxError('invalid_argument', `${route}: "${query.layer}" is not a layer of the model.`, { argument: 'layer', hint: `Layers: ${layers.join(', ')}.` });
    matrix = (await collectActivations(model, input, [query.layer]))[query.layer]!;
  } else {
    const width = rowSize(input.shape);
    matrix = { data: Float64Array.from(input.data), rows: rows.length, cols: width };
  }
  const result: Projection = await project(matrix, { method: query.method, seed: query.seed });
  return {
    method: result.method,
    layer: query.layer ?? null,
    rowIds: Array.from(rows, (i) => session.table.rowIds[i]!),
    coordinates: Array.from({ length: rows.length }, (_, i) => [result.coordinates[i * 2]!, result.coordinates[i * 2 + 1]!]),
    trustworthiness: result.trustworthiness,
    trustworthinessK: result.trustworthinessK,
    details: result.details,
    seed: result.seed,
  };
}

async function modelInput(session: DashboardSession, scored: () => Promise<ScoredRows>, rows: Int32Array): Promise<Tensor> {
  if (session.encoder) {
    const { raw } = await scored();
    const f = raw!.nFeatures;
    const picked = new Float64Array(rows.length * f);
    rows.forEach((r, i) => picked.set(raw!.data.subarray(r * f, (r + 1) * f), i * f));
    return { data: session.encoder.encode({ data: picked, nRows: rows.length, nFeatures: f }), shape: [rows.length, session.encoder.outputWidth] };
  }
  const x = session.x!;
  const size = rowSize(x.shape);
  const data = new Float32Array(rows.length * size);
  rows.forEach((r, i) => data.set(x.data.subarray(r * size, (r + 1) * size), i * size));
  return { data, shape: [rows.length, ...x.shape.slice(1)] };
}
