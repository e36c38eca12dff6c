import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { httpModel, httpModelFromUrl, type HttpModelOptions } from './http.js';
import { caughtGlassboxError } from '../../test/support/errors.js';

/** A real HTTP server on 127.0.0.1 with a random port; counts requests and the most in flight at once. */
interface TestServer {
  readonly url: string;
  readonly stats: { requests: number; inFlight: number; maxInFlight: number; paths: string[] };
  close(): Promise<void>;
}

type Handler = (body: unknown, req: IncomingMessage, res: ServerResponse, index: number) => void | Promise<void>;

const servers: TestServer[] = [];

async function serve(handler: Handler): Promise<TestServer> {
  const stats = { requests: 0, inFlight: 0, maxInFlight: 0, paths: [] as string[] };
  const server = createServer((req, res) => {
    const index = stats.requests++;
    stats.paths.push(`${req.method} ${req.url}`);
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.on('close', () => stats.inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handler(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'), req, res, index);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle: TestServer = {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(handle);
  return handle;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** The "model" behind the servers: P(positive) = sigmoid(x0 - x1), so rows are easy to check. */
const score = (a: number, b: number): number => 1 / (1 + Math.exp(-(a - b)));
const x = Float32Array.from([0, 1, 2, 0.5, -1, -1, 3, 0, 0.25, 2]);
const expectedPositive = [0, 1, 2, 3, 4].map((i) => score(x[i * 2]!, x[i * 2 + 1]!));

const kserveHandler: Handler = (body, req, res) => {
  const input = (body as { inputs: { name: string; shape: number[]; datatype: string; data: number[] }[] }).inputs[0]!;
  if (req.url !== '/v2/models/credit/infer' || input.datatype !== 'FP32' || input.name !== 'features') return send(res, 404, { error: `no route ${req.url}` });
  const n = input.shape[0]!;
  const data: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = score(input.data[i * 2]!, input.data[i * 2 + 1]!);
    data.push(1 - p, p);
  }
  send(res, 200, { model_name: 'credit', outputs: [{ name: 'probabilities', shape: [n, 2], datatype: 'FP32', data }] });
};

const base = { inputWidth: 2, classes: ['good', 'bad'], timeoutMs: 2000, backoffMs: 5 } as const;


function checkProbabilities(p: Float32Array): void {
  expectedPositive.forEach((q, i) => {
    expect(p[i * 2 + 1]).toBeCloseTo(q, 6);
    expect(p[i * 2]).toBeCloseTo(1 - q, 6);
  });
}

describe('httpModel', () => {
  it('speaks KServe v2: POST /v2/models/{name}/infer with an FP32 tensor, reads outputs[0]', async () => {
    const server = await serve(kserveHandler);
    const model = httpModel({ ...base, url: server.url, protocol: 'kserve-v2', modelName: 'credit', inputName: 'features', batchSize: 2 });
    const p = await model.predict({ data: x, shape: [5, 2] });
    checkProbabilities(p);
    expect(server.stats.requests).toBe(3);
    expect(server.stats.paths.every((path) => path === 'POST /v2/models/credit/infer')).toBe(true);
  });

  it('infers the protocol from a URL and accepts any input width when none is declared', async () => {
    const server = await serve(kserveHandler);
    const model = httpModelFromUrl(`${server.url}/v2/models/credit/infer`, { inputName: 'features', classes: ['good', 'bad'], backoffMs: 5 });
    expect(model.inputSpec.shape).toEqual([null, null]);
    checkProbabilities(await model.predict({ data: x, shape: [5, 2] }));
    expect(server.stats.paths).toEqual(['POST /v2/models/credit/infer']);
  });

  it('speaks generic JSON with configurable paths; single-column scores become [1 - p, p]', async () => {
    const server = await serve((body, _req, res) => {
      const rows = (body as { data: { rows: number[][] } }).data.rows;
      send(res, 200, { result: { scores: rows.map(([a, b]) => score(a!, b!)) } });
    });
    const model = httpModel({ ...base, url: `${server.url}/predict`, protocol: 'json', instancesPath: 'data.rows', predictionsPath: 'result.scores' });
    checkProbabilities(await model.predict({ data: x, shape: [5, 2] }));
    expect(server.stats.paths).toEqual(['POST /predict']);
  });

  it('keeps at most `concurrency` requests in flight and puts out-of-order answers in place', async () => {
    const server = await serve((body, _req, res, index) => {
      const rows = (body as { instances: number[][] }).instances;
      // later requests answer first
      setTimeout(() => send(res, 200, { predictions: rows.map(([a, b]) => [1 - score(a!, b!), score(a!, b!)]) }), 40 - 8 * index);
    });
    const model = httpModel({ ...base, url: server.url, protocol: 'json', batchSize: 1, concurrency: 2 });
    checkProbabilities(await model.predict({ data: x, shape: [5, 2] }));
    expect(server.stats.requests).toBe(5);
    expect(server.stats.maxInFlight).toBe(2);
  });

  it('retries 503 with backoff and then succeeds', async () => {
    const server = await serve((body, req, res, index) => (index < 2 ? send(res, 503, { error: 'warming up' }) : kserveHandler(body, req, res, index)));
    const model = httpModel({ ...base, url: server.url, protocol: 'kserve-v2', modelName: 'credit', inputName: 'features', retries: 3 });
    checkProbabilities(await model.predict({ data: x, shape: [5, 2] }));
    expect(server.stats.requests).toBe(3);
  });

  it('gives up after the retries with the last 5xx in the message', async () => {
    const server = await serve((_b, _r, res) => send(res, 500, 'internal trouble'));
    const error = await caughtGlassboxError(() => httpModel({ ...base, url: server.url, protocol: 'json', retries: 2 }).predict({ data: x, shape: [5, 2] }));
    expect(error.message).toMatch(/answered 500 .*internal trouble.*gave up after 3 attempts/);
    expect(server.stats.requests).toBe(3);
  });

  it('does not retry a 400 and quotes the server', async () => {
    const server = await serve((_b, _r, res) => send(res, 400, { error: 'input "features" expects shape [-1, 3]' }));
    const error = await caughtGlassboxError(() => httpModel({ ...base, url: server.url, protocol: 'kserve-v2', modelName: 'credit', retries: 3 }).predict({ data: x, shape: [5, 2] }));
    expect(error.code).toBe('model_error');
    expect(error.message).toContain('answered 400 Bad Request (not retried)');
    expect(error.message).toContain('expects shape [-1, 3]');
    expect(error.details.status).toBe(400);
    expect(server.stats.requests).toBe(1);
  });

  it('times out a stalled server on every attempt', async () => {
    const server = await serve(() => undefined); // never answers
    const started = Date.now();
    const error = await caughtGlassboxError(() => httpModel({ ...base, url: server.url, protocol: 'json', timeoutMs: 80, retries: 1 }).predict({ data: x, shape: [5, 2] }));
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/no answer from .* within 80 ms \(gave up after 2 attempts\)/);
    expect(server.stats.requests).toBe(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('retries connection errors and names the unreachable URL', async () => {
    const server = await serve(() => undefined);
    const url = server.url;
    await server.close();
    const error = await caughtGlassboxError(() => httpModel({ ...base, url, protocol: 'json', retries: 1 }).predict({ data: x, shape: [5, 2] }));
    expect(error.message).toMatch(/cannot reach .*ECONNREFUSED.*gave up after 2 attempts/);
  });

  it('rejects malformed answers at once: not JSON, missing field, wrong shape, non-numbers', async () => {
    const cases: [unknown, RegExp, Partial<HttpModelOptions>][] = [
      ['{"outputs": [garbage', /body that is not JSON/, {}],
      [{ result: 1 }, /no "outputs" array/, {}],
      [{ outputs: [{ name: 'p', shape: [5, 2], datatype: 'FP32', data: [1, 2, 3] }] }, /has 3 values but its shape needs 10/, {}],
      [{ outputs: [{ name: 'p', shape: [4, 2], datatype: 'FP32', data: [] }] }, /shape \[4, 2\] for a batch of 5 rows/, {}],
      [{ outputs: [{ name: 'p', shape: [5, 1], datatype: 'FP32', data: [0.1, 0.2, 'x', 0.4, 0.5] }] }, /data\[2\] holds "x", not a number/, {}],
      [{ outputs: [{ name: 'p', shape: [5, 1], data: [1, 2, 3, 4, 5] }] }, /no output named "probabilities" \(outputs: p\)/, { outputName: 'probabilities' }],
      [{ predictions: [[0.1, 0.9]] }, /"predictions" has 1 rows for a batch of 5/, { protocol: 'json' }],
      [{ predictions: [[0.1, 0.9], [0.5], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5]] }, /row 1 has 1 values, row 0 has 2 values/, { protocol: 'json' }],
      [{ preds: [] }, /no array at "predictions"/, { protocol: 'json' }],
      [{ outputs: [{ name: 'p', shape: [5, 3], data: new Array(15).fill(0.2) }] }, /a binary classifier outputs 1 or 2 columns, this one outputs 3/, {}],
    ];
    for (const [answer, pattern, extra] of cases) {
      const server = await serve((_b, _r, res) => send(res, 200, answer));
      const error = await caughtGlassboxError(() => httpModel({ ...base, url: server.url, protocol: 'kserve-v2', modelName: 'm', retries: 2, ...extra }).predict({ data: x, shape: [5, 2] }));
      expect(error.message).toMatch(pattern);
      expect(server.stats.requests).toBe(1);
    }
  });

  it('stops when the caller aborts', async () => {
    const server = await serve(() => undefined);
    const controller = new AbortController();
    const pending = httpModel({ ...base, url: server.url, protocol: 'json', timeoutMs: 5000 }).predict({ data: x, shape: [5, 2] }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect((await caughtGlassboxError(() => pending)).code).toBe('cancelled');
  });

  it('validates options before any request', () => {
    expect(() => httpModel({ ...base, url: 'not a url', protocol: 'json' })).toThrow(/is not a URL/);
    expect(() => httpModel({ ...base, url: 'http://127.0.0.1:1', protocol: 'kserve-v2' })).toThrow(/needs modelName/);
    expect(() => httpModel({ url: 'http://127.0.0.1:1', protocol: 'json', inputWidth: 0 })).toThrow(/inputWidth/);
    expect(() => httpModel({ ...base, url: 'http://127.0.0.1:1', protocol: 'json', concurrency: 0 })).toThrow(/concurrency must be a positive integer/);
  });
});
