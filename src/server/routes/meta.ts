import type { Hono } from 'hono';
import { findColumn } from '../../data/table.js';
import type { DashboardSession } from '../session.js';

/** Per feature: its type, categories, and the observed range of numbers (the what-if editor's bounds). */
export interface FeatureMeta {
  readonly name: string;
  readonly type: string;
  readonly categories?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

/** GET /api/meta: what is served (title, task, classes, features with their ranges, target, protected attributes, row count). */
export function metaRoute(app: Hono, session: DashboardSession): void {
  const meta = describeSession(session);
  app.get('/api/meta', (c) => c.json(meta));
}

export function describeSession(session: DashboardSession): Record<string, unknown> {
  const { table, schema, model } = session;
  const features: FeatureMeta[] = (session.encoder?.features ?? schema.features).map((f) => {
    const column = findColumn(table, f.name);
    if (column?.kind === 'numeric') {
      let min = Infinity;
      let max = -Infinity;
      for (const v of column.values) {
        if (Number.isNaN(v)) continue;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      return { name: f.name, type: f.type, ...(min <= max ? { min, max } : {}) };
    }
    const categories = f.categories ?? (column?.kind === 'categorical' ? column.categories : undefined);
    return { name: f.name, type: f.type, ...(categories ? { categories } : {}) };
  });
  return {
    title: session.title,
    task: model.task,
    classes: model.task === 'regression' ? ['value'] : [...model.classes],
    target: schema.target?.name ?? null,
    features,
    protected: (schema.protected ?? []).map((p) => p.name),
    nRows: table.nRows,
    input: session.encoder ? 'tabular' : session.x ? 'tensor' : 'other',
    inputShape: session.x ? session.x.shape.slice(1) : null,
  };
}
