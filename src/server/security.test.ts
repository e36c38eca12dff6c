import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinySession } from '../../test/support/dashboard-session.js';
import { createDashboardApp, MAX_BODY_BYTES } from './app.js';
import { listenDashboard, type RunningDashboard } from './listen.js';
import { TOKEN_COOKIE } from './security.js';
import { newToken } from './token.js';

const TOKEN = newToken();
const HOST = '127.0.0.1:5555';
const session = tinySession();
const app = createDashboardApp({ session, token: TOKEN, allowedHosts: () => new Set([HOST, 'localhost:5555']) });
const get = (path: string, headers: Record<string, string> = {}): Promise<Response> => Promise.resolve(app.request(`http://${HOST}${path}`, { headers: { host: HOST, ...headers } }));
const auth = { authorization: `Bearer ${TOKEN}` };

describe('dashboard token', () => {
  it('is at least 128 bits of randomness, fresh each time', () => {
    expect(Buffer.from(TOKEN, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(newToken()).not.toBe(newToken());
  });

  it('refuses a request without a token, with a wrong token, or a wrong cookie (401)', async () => {
    expect((await get('/api/rows')).status).toBe(401);
    expect((await get('/api/rows', { authorization: `Bearer ${newToken()}` })).status).toBe(401);
    expect((await get('/api/rows', { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await get('/api/rows', { cookie: `${TOKEN_COOKIE}=${newToken()}` })).status).toBe(401);
    expect((await get('/')).status).toBe(401);
    expect((await get(`/?token=${newToken()}`)).status).toBe(401);
  });

  it('takes Authorization: Bearer TOKEN', async () => {
    const response = await get('/api/rows?limit=1', auth);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { total: number }).total).toBe(session.table.nRows);
  });

  it('sets an HttpOnly SameSite=Strict cookie on the first page load with ?token= and drops the token from the address', async () => {
    const first = await get(`/?token=${encodeURIComponent(TOKEN)}&view=slices`);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/?view=slices');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0]!;
    expect((await get('/api/rows?limit=1', { cookie: pair })).status).toBe(200);
    expect((await get('/', { cookie: pair })).status).toBe(200);
  });

  it('never sends CORS headers, and always the strict CSP', async () => {
    const response = await get('/api/rows?limit=1', { ...auth, origin: `http://${HOST}` });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('dashboard hosts and origins', () => {
  it('refuses a foreign Host, even with the token (403: DNS rebinding)', async () => {
    for (const host of ['evil.example:5555', '127.0.0.1:5556', '127.0.0.1', 'localhost.evil.example:5555']) {
      const response = await app.request(`http://${host}/api/rows`, { headers: { host, ...auth } });
      expect(response.status, host).toBe(403);
    }
    expect((await get('/api/rows?limit=1', { ...auth, host: 'localhost:5555' })).status).toBe(200);
  });

  it('refuses a cross-origin request (403)', async () => {
    const response = await app.request(`http://${HOST}/api/predict`, { method: 'POST', headers: { host: HOST, origin: 'http://evil.example', ...auth }, body: '{}' });
    expect(response.status).toBe(403);
  });
});

describe('dashboard request bodies', () => {
  const post = (path: string, body: string): Promise<Response> => Promise.resolve(app.request(`http://${HOST}${path}`, { method: 'POST', headers: { host: HOST, 'content-type': 'application/json', ...auth }, body }));

  it('refuses an oversized body (413)', async () => {
    const big = JSON.stringify({ rows: [{ age: 'x'.repeat(MAX_BODY_BYTES) }] });
    expect((await post('/api/predict', big)).status).toBe(413);
  });

  it('answers bad JSON with 400 naming the route', async () => {
    const response = await post('/api/predict', '{"rows": [');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toMatch(/POST \/api\/predict: the request body is not valid JSON/);
  });

  it('answers an unknown feature with 400 naming it and the known features', async () => {
    const response = await post('/api/predict', JSON.stringify({ rows: [{ age: 30, income: 40, group: 'a', incme: 3 }] }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe('POST /api/predict rows: record 0 (0-based) has "incme", which is not a feature (known: age, income, group)');
  });

  it('answers an unknown category with the library reader message', async () => {
    const response = await post('/api/predict', JSON.stringify({ rows: [{ age: 30, income: 40, group: 'c' }] }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/column "group" has 1 row\(s\) with a category the encoder does not know, first "c"/);
  });
});

describe('dashboard static files over a real socket', () => {
  let dir: string;
  let running: RunningDashboard;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-static-'));
    await mkdir(join(dir, 'bundle', 'assets'), { recursive: true });
    await writeFile(join(dir, 'bundle', 'index.html'), '<!doctype html><title>ok</title>');
    await writeFile(join(dir, 'bundle', 'assets', 'app.js'), 'export {};');
    await writeFile(join(dir, 'secret.txt'), 'TOP-SECRET-CONTENT');
    await symlink(join(dir, 'secret.txt'), join(dir, 'bundle', 'link.txt'));
    running = await listenDashboard(session, { port: 0, bundleDir: join(dir, 'bundle') });
  });
  afterAll(async () => {
    await running.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A raw HTTP GET: the path goes on the wire exactly as written (fetch would normalise "..").  */
  const raw = (path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: running.port, path, headers: { authorization: `Bearer ${running.token}`, ...headers } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });

  it('binds 127.0.0.1 on a free port and prints an address carrying the token', () => {
    expect(running.port).toBeGreaterThan(0);
    expect(running.url).toBe(`http://127.0.0.1:${running.port}/?token=${running.token}`);
  });

  it('serves the bundle', async () => {
    const index = await raw('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>ok</title>');
    const script = await raw('/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });

  it('never serves a file outside the bundle folder', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt', '/link.txt', '/%00index.html', `/${'../'.repeat(8)}etc/passwd`]) {
      const response = await raw(path);
      expect([403, 404], path).toContain(response.status);
      expect(response.body, path).not.toContain('TOP-SECRET-CONTENT');
      expect(response.body, path).not.toContain('root:');
    }
  });

  it('checks the Host over the socket too', async () => {
    expect((await raw('/api/meta', { host: `evil.example:${running.port}` })).status).toBe(403);
    expect((await raw('/api/meta', { host: `localhost:${running.port}` })).status).toBe(200);
  });
});
