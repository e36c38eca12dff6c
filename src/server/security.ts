import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { errorBody } from './errors.js';
import { tokenMatches } from './token.js';

export const TOKEN_COOKIE = 'glassbox_token';

/**
 * The strict Content-Security-Policy of every response: only this origin's scripts, styles, images
 * and API; no inline script, no eval, no framing, no plugins, forms only to this origin.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface SecurityOptions {
  readonly token: string;
  /** Host header values accepted (e.g. 127.0.0.1:PORT and localhost:PORT); read per request since --port 0 learns the port on listen. */
  readonly allowedHosts: () => ReadonlySet<string>;
}

/** Host (and, when sent, Origin) must name this server: a DNS-rebinding page gets 403. */
export function hostCheck(options: SecurityOptions): MiddlewareHandler {
  return async (c, next) => {
    const allowed = options.allowedHosts();
    // node-server builds the request URL from the Host header; in-process requests carry it in the URL
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!host || !allowed.has(host.toLowerCase())) {
      return c.json(errorBody('forbidden', `Host "${host ?? ''}" is not this dashboard's address.`, `Open the dashboard at http://${[...allowed][0] ?? '127.0.0.1'}/.`), 403);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !isAllowedOrigin(origin, allowed)) {
      return c.json(errorBody('forbidden', `Origin "${origin}" may not call this dashboard (no cross-origin requests).`), 403);
    }
    await next();
  };
}

function isAllowedOrigin(origin: string, allowed: ReadonlySet<string>): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && allowed.has(url.host.toLowerCase());
  } catch {
    return false;
  }
}

/**
 * Every request needs the token: `Authorization: Bearer TOKEN`, or the HttpOnly SameSite=Strict cookie
 * that the first page load with `?token=TOKEN` sets (that load is redirected to the same URL without the
 * token, so it leaves neither the address bar nor the history). Otherwise 401.
 */
export function tokenGuard(options: SecurityOptions): MiddlewareHandler {
  return async (c, next) => {
    const query = c.req.query('token');
    if (query !== undefined && c.req.method === 'GET' && !c.req.path.startsWith('/api/')) {
      if (!tokenMatches(query, options.token)) return c.json(errorBody('unauthorized', 'The token in the address is wrong.', 'Use the address glassbox serve printed.'), 401);
      setCookie(c, TOKEN_COOKIE, options.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (tokenMatches(bearer, options.token) || tokenMatches(getCookie(c, TOKEN_COOKIE), options.token)) {
      await next();
      return;
    }
    return c.json(errorBody('unauthorized', 'This dashboard needs its token.', 'Open the address glassbox serve printed (…/?token=…), or send Authorization: Bearer TOKEN.'), 401);
  };
}

/** Headers on every response: the CSP, no sniffing, no referrer (the token never leaks), no framing, no caching of API data. */
export function secureHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (c.req.path.startsWith('/api/')) c.header('Cache-Control', 'no-store');
  };
}
