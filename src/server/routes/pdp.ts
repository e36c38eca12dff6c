import type { Hono } from 'hono';
import { z } from 'zod';
import { GlassboxError } from '../../errors.js';
import { partialDependence } from '../../global/partial-dependence.js';
import { parseWith } from '../errors.js';
import { rawFromRecords, tabularEncoder } from '../raw-rows.js';
import { rowIndexById, type ScoredRows } from '../scored-rows.js';
import type { DashboardSession } from '../session.js';
import { backgroundRows, rawRows } from './explain.js';
import { recordSchema } from './predict.js';
import type { RawMatrix } from '../../encode/encoder.js';

/** Rows the PDP averages over (and whose ICE curves it returns): the first background rows. */
export const PDP_ROWS = 200;

const querySchema = z.object({
  feature: z.string(),
  rowId: z.coerce.number().int().min(0).optional(),
  /** A what-if row as JSON ({feature: value}); its ICE curve is returned as `row`. */
  row: z.string().optional(),
  target: z.coerce.number().int().min(0).optional(),
  gridSize: z.coerce.number().int().min(2).max(100).default(20),
});

/**
 * GET /api/pdp?feature&rowId?&row?&target?&gridSize? → partial dependence and ICE curves (Friedman
 * 2001; Goldstein et al. 2015) over the first 200 background rows, plus the ICE curve of the selected
 * (or edited) row, computed in the same call so it shares the grid.
 */
export function pdpRoute(app: Hono, session: DashboardSession, scored: () => Promise<ScoredRows>): void {
  const route = 'GET /api/pdp';
  const byId = rowIndexById(session.table);
  app.get('/api/pdp', async (c) => {
    const query = parseWith(route, querySchema, c.req.query());
    const encoder = tabularEncoder(session, route);
    const feature = encoder.features.findIndex((f) => f.name === query.feature);
    if (feature < 0) throw new GlassboxError('invalid_argument', `${route}: "${query.feature}" is not a feature (known: ${encoder.features.map((f) => f.name).join(', ')})`, { argument: 'feature' });
    const { pipe, raw } = await scored();
    const sample = backgroundRows(session, raw!, PDP_ROWS);
    const selected = selectedRow(session, query, raw!, byId, route);
    const rows: RawMatrix = selected ? { data: concatRows(sample.data, selected.data), nRows: sample.nRows + 1, nFeatures: sample.nFeatures } : sample;
    const pd = await partialDependence(pipe!, rows, feature, { gridSize: query.gridSize, ...(query.target === undefined ? {} : { target: query.target }), signal: c.req.raw.signal });
    const g = pd.grid.length;
    const n = pd.nRows;
    const curves = Array.from({ length: selected ? n - 1 : n }, (_, i) => Array.from(pd.ice.subarray(i * g, (i + 1) * g)));
    return c.json({
      method: pd.method,
      feature: pd.feature,
      kind: pd.kind,
      grid: Array.from(pd.grid),
      gridLabels: pd.gridLabels,
      average: Array.from(pd.average),
      ice: curves,
      row: selected ? Array.from(pd.ice.subarray((n - 1) * g, n * g)) : null,
      nRows: n,
      target: pd.target,
      targetClass: session.model.classes[pd.target] ?? null,
    });
  });
}

function selectedRow(session: DashboardSession, query: { rowId?: number | undefined; row?: string | undefined }, raw: RawMatrix, byId: Map<number, number>, route: string): RawMatrix | undefined {
  if (query.rowId !== undefined && query.row !== undefined) throw new GlassboxError('invalid_argument', `${route}: give rowId or row, not both.`, { argument: 'row' });
  if (query.rowId !== undefined) {
    const index = byId.get(query.rowId);
    if (index === undefined) throw new GlassboxError('invalid_argument', `${route}: rowId ${query.rowId} is not a served row.`, { argument: 'rowId' });
    return rawRows(raw, [index]);
  }
  if (query.row === undefined) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(query.row);
  } catch (error) {
    throw new GlassboxError('invalid_input', `${route}: row is not valid JSON (${(error as Error).message}).`, { argument: 'row' });
  }
  return rawFromRecords(session, [parseWith(route, recordSchema, record)], route);
}

function concatRows(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
