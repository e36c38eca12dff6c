import type { Hono } from 'hono';
import { GlassboxError } from '../../errors.js';
import type { DashboardResults, DashboardSession } from '../session.js';

/**
 * GET /api/findings, /api/slices, /api/fairness: the scan's results for the served model — read from
 * --results DIR, or computed by one scan on the first request and kept. Findings about a slice carry
 * its predicates (`slice`), which /api/rows takes as `filter` to list its rows.
 */
export function resultsRoutes(app: Hono, session: DashboardSession): void {
  let pending: Promise<DashboardResults> | undefined;
  const results = (): Promise<DashboardResults> => {
    if (!session.results) throw new GlassboxError('missing_capability', `${session.title}: no scan results are available.`, { hint: 'Start glassbox serve with --results DIR (the --out folder of glassbox scan).' });
    return (pending ??= session.results().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
  };
  app.get('/api/findings', async (c) => {
    const r = await results();
    return c.json({ findings: r.findings, summary: r.summary });
  });
  app.get('/api/slices', async (c) => {
    const r = await results();
    return c.json({ findings: r.findings.filter((f) => f.slice !== undefined && f.slice.length > 0), weakSlices: r.detectors['weak-slices'] ?? null });
  });
  app.get('/api/fairness', async (c) => {
    const r = await results();
    const protectedFindings = r.findings.filter((f) => f.detector === 'disparity' || f.detector === 'protected-performance');
    return c.json({ findings: protectedFindings, disparity: r.detectors['disparity'] ?? null, protectedPerformance: r.detectors['protected-performance'] ?? null, protected: (session.schema.protected ?? []).map((p) => p.name) });
  });
}
