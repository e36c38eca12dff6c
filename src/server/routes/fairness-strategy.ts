import type { Hono } from 'hono';
import { z } from 'zod';
import { labelsOf } from '../../data/schema-helpers.js';
import { GlassboxError } from '../../errors.js';
import { thresholdRates, thresholdStrategy, type ThresholdStrategy } from '../../fairness/threshold-strategies.js';
import { groupByProtected } from '../../slice/groupings.js';
import { parseWith, readJson } from '../errors.js';
import type { ScoredRows } from '../scored-rows.js';
import type { DashboardSession } from '../session.js';

const bodySchema = z
  .object({
    strategy: z.enum(['single', 'group', 'demographic_parity', 'equal_opportunity', 'equal_accuracy', 'custom'] satisfies readonly (ThresholdStrategy | 'custom')[]),
    attribute: z.string().optional(),
    thresholds: z.record(z.string(), z.number().min(0).max(1)).optional(),
    tolerance: z.number().min(0).max(1).optional(),
  })
  .strict();

/**
 * POST /api/fairness/strategy {strategy, attribute?, thresholds?, tolerance?} → the What-If Tool's threshold
 * strategies on the served rows (src/fairness/threshold-strategies.ts): per-group thresholds on P(positive
 * class) and each group's selection rate, TPR, FPR and accuracy with Wilson intervals. `custom` evaluates the
 * given thresholds (the dashboard's sliders). Binary classifiers with a labelled target and a protected attribute.
 */
export function fairnessStrategyRoute(app: Hono, session: DashboardSession, scored: () => Promise<ScoredRows>): void {
  const route = 'POST /api/fairness/strategy';
  app.post('/api/fairness/strategy', async (c) => {
    const body = parseWith(route, bodySchema, await readJson(c, route));
    const { table, schema, model } = session;
    if (model.task !== 'binary') throw new GlassboxError('invalid_argument', `${route}: threshold strategies need a binary classifier; ${session.title} is ${model.task}.`, { argument: 'strategy' });
    const specs = schema.protected ?? [];
    const spec = body.attribute === undefined ? specs[0] : specs.find((p) => p.name === body.attribute);
    if (!spec) throw new GlassboxError('invalid_argument', `${route}: ${body.attribute === undefined ? `${session.title} names no protected attribute` : `"${body.attribute}" is not a protected attribute`}.`, { argument: 'attribute', hint: specs.length ? `Use one of: ${specs.map((p) => p.name).join(', ')}.` : 'Name one in the schema\'s "protected".' });
    const classes = labelsOf(table, schema);
    const grouping = groupByProtected(table, spec);
    const { outputs, width } = await scored();
    // rows without a label take no part: their group code becomes -1
    const codes = Int32Array.from(grouping.codes, (g, i) => (classes[i]! < 0 ? -1 : g));
    const labels = Uint8Array.from(classes, (k) => (k === 1 ? 1 : 0));
    const scores = Float64Array.from({ length: table.nRows }, (_, i) => outputs[i * width + 1]!);
    const groups = { ...grouping, codes };
    const result = body.strategy === 'custom' ? thresholdRates(groups, labels, scores, body.thresholds ?? {}) : thresholdStrategy(groups, labels, scores, body.strategy, body.tolerance === undefined ? {} : { tolerance: body.tolerance });
    return c.json({ attribute: spec.name, positiveClass: model.classes[1], ...result });
  });
}
