import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorBody, handleError } from './errors.js';
import { counterfactualRoute } from './routes/counterfactual.js';
import { explainRoute } from './routes/explain.js';
import { fairnessStrategyRoute } from './routes/fairness-strategy.js';
import { imageAttributionRoute } from './routes/image-attribution.js';
import { textAttributionRoute } from './routes/text-attribution.js';
import { pdpRoute } from './routes/pdp.js';
import { projectionRoute } from './routes/projection.js';
import { resultsRoutes } from './routes/results.js';
import { metaRoute } from './routes/meta.js';
import { predictRoute } from './routes/predict.js';
import { rowsRoute } from './routes/rows.js';
import { scoredRows } from './scored-rows.js';
import { hostCheck, secureHeaders, tokenGuard } from './security.js';
import type { DashboardSession } from './session.js';
import { staticHandler } from './static-files.js';

/** Largest request body accepted (1 MiB): a what-if row or a few thousand rows to predict fit easily. */
export const MAX_BODY_BYTES = 1 << 20;

export interface DashboardAppOptions {
  readonly session: DashboardSession;
  readonly token: string;
  /** Host header values accepted, read per request (the port is known only once listening). */
  readonly allowedHosts: () => ReadonlySet<string>;
  /** The front-end bundle folder (undefined: a placeholder page). */
  readonly bundleDir?: string | undefined;
}

/**
 * The dashboard's Hono app: Host check (403) → token (401) → body limit (413) → routes; every response
 * carries the strict CSP; GlassboxError codes map to statuses in one handler. No CORS headers are ever
 * sent. The app computes nothing itself: each route wraps a library function.
 */
export function createDashboardApp(options: DashboardAppOptions): Hono {
  const { session } = options;
  const app = new Hono();
  const security = { token: options.token, allowedHosts: options.allowedHosts };
  app.use('*', secureHeaders());
  app.use('*', hostCheck(security));
  app.use('*', tokenGuard(security));
  app.use('/api/*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json(errorBody('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`, 'Send fewer rows per request.'), 413) }));
  const scored = scoredRows(session);
  metaRoute(app, session);
  rowsRoute(app, session, scored);
  predictRoute(app, session, scored);
  explainRoute(app, session, scored);
  fairnessStrategyRoute(app, session, scored);
  imageAttributionRoute(app, session);
  textAttributionRoute(app, session);
  counterfactualRoute(app, session, scored);
  pdpRoute(app, session, scored);
  resultsRoutes(app, session);
  projectionRoute(app, session, scored);
  app.all('/api/*', (c) => c.json(errorBody('not_found', `No API route ${c.req.method} ${c.req.path}.`), 404));
  app.get('*', staticHandler(options.bundleDir));
  app.onError(handleError);
  app.notFound((c) => c.json(errorBody('not_found', `Nothing at ${c.req.method} ${c.req.path}.`), 404));
  return app;
}
