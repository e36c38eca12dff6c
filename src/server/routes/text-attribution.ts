import type { Hono } from 'hono';
import { z } from 'zod';
import { findColumn } from '../../data/table.js';
import { GlassboxError } from '../../errors.js';
import { textOcclusion } from '../../explain/text/occlusion-text.js';
import { indexText } from '../../explain/text/tokens.js';
import { parseWith, readJson } from '../errors.js';
import { rowIndexById } from '../scored-rows.js';
import type { DashboardSession } from '../session.js';

const bodySchema = z.object({ rowId: z.number().int().min(0) }).strict();

/** Longest document explained (words): occlusion costs one model call per word. */
const MAX_WORDS = 2000;

/**
 * POST /api/text-attribution {rowId} → the served document split into pieces (words and separators), each
 * word's occlusion attribution for the predicted class (the drop in its probability when the word is
 * removed; `glassbox explain --method occlusion` on text), for the dashboard's word highlights.
 */
export function textAttributionRoute(app: Hono, session: DashboardSession): void {
  const route = 'POST /api/text-attribution';
  const byId = rowIndexById(session.table);
  const explainer = textOcclusion();
  app.post('/api/text-attribution', async (c) => {
    const { rowId } = parseWith(route, bodySchema, await readJson(c, route));
    const text = session.text;
    if (!text) throw new GlassboxError('invalid_argument', `${route}: ${session.title} does not serve a text model.`, { argument: 'rowId' });
    const index = byId.get(rowId);
    if (index === undefined) throw new GlassboxError('invalid_argument', `${route}: rowId ${rowId} is not a served row.`, { argument: 'rowId', hint: `Row ids are 0-based data rows of ${session.title}.` });
    const column = findColumn(session.table, text.column);
    if (column?.kind !== 'text') throw new GlassboxError('schema_mismatch', `${route}: column "${text.column}" is not a text column.`, { column: text.column });
    const doc = column.values[index]!;
    const indexed = indexText(doc, { bow: false });
    if (indexed.players.length > MAX_WORDS) throw new GlassboxError('invalid_argument', `${route}: row ${rowId} has ${indexed.players.length} words; the dashboard explains documents of up to ${MAX_WORDS}.`, { argument: 'rowId', hint: 'Use glassbox explain --method occlusion for long documents.' });
    const attribution = await explainer.explain(text.classifier, [doc], { target: 'predicted', signal: c.req.raw.signal });
    return c.json({
      rowId,
      method: attribution.method,
      target: text.classifier.classes[attribution.target[0]!] ?? null,
      pieces: indexed.pieces,
      wordOfPiece: Array.from(indexed.playerOfPiece),
      values: Array.from(attribution.values.subarray(0, indexed.players.length)),
    });
  });
}
