import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import { errorBody } from './errors.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The folder of the dashboard's front-end bundle (Vite writes it to dist/ui): beside the compiled
 * server (dist/server → dist/ui), or <package>/dist/ui when running from source. Undefined when no
 * bundle has been built; the server then serves a page saying how to build it.
 */
export function defaultBundleDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../ui'), resolve(here, '../../dist/ui')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * The file under `root` that a URL path names, or undefined when it does not exist or would leave
 * `root`: the path is percent-decoded once, must not hold NUL or backslashes, is resolved against
 * root, and both it and its real path (symbolic links followed) must stay inside root's real path.
 */
export async function resolveStaticFile(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const wanted = decoded === '/' || decoded === '' ? '/index.html' : decoded;
  const rootReal = await realpath(root);
  const candidate = resolve(rootReal, `.${wanted.startsWith('/') ? wanted : `/${wanted}`}`);
  if (!inside(rootReal, candidate)) return undefined;
  try {
    const real = await realpath(candidate);
    if (!inside(rootReal, real) || !(await stat(real)).isFile()) return undefined;
    return real;
  } catch {
    return undefined;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** Serves GET requests for the bundle's files; anything outside it, or absent, is a 404. */
export function staticHandler(root: string | undefined): (c: Context) => Promise<Response> {
  return async (c) => {
    if (!root) return c.html(PLACEHOLDER);
    const file = await resolveStaticFile(root, new URL(c.req.url).pathname);
    if (!file) return c.json(errorBody('not_found', `No file ${new URL(c.req.url).pathname} in the dashboard bundle.`), 404);
    const body = await readFile(file);
    return c.body(body, 200, { 'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' });
  };
}

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>glassbox dashboard</title></head>
<body><main><h1>glassbox dashboard</h1>
<p>The API is running (see <code>/api/rows</code>), but the front-end bundle is not built. Run <code>npm run build</code> and restart <code>glassbox serve</code>.</p>
</main></body></html>
`;
