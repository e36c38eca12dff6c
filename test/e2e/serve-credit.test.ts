import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServeSession } from '../../src/cli/commands/serve/session.js';
import { runServe } from '../../src/cli/commands/serve/run.js';
import { createDashboardApp } from '../../src/server/app.js';
import type { DashboardSession } from '../../src/server/session.js';
import { runGlassbox } from '../support/cli.js';

/** The credit demo served in-process: the API must give the CLI's numbers. */
describe('glassbox serve --demo credit', () => {
  const HOST = '127.0.0.1:9000';
  const TOKEN = 'k'.repeat(43);
  let session: DashboardSession;
  let app: ReturnType<typeof createDashboardApp>;
  let dir: string;
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const response = await app.request(`http://${HOST}${path}`, { method, headers: { host: HOST, authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, json: (await response.json()) as T };
  };

  beforeAll(async () => {
    session = (await loadServeSession({ demo: 'credit' })).session;
    app = createDashboardApp({ session, token: TOKEN, allowedHosts: () => new Set([HOST]) });
    dir = await mkdtemp(join(tmpdir(), 'glassbox-serve-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('/api/predict gives what glassbox predict --demo credit --data prints for the same rows', async () => {
    const page = await call<{ rows: { rowId: number; features: Record<string, number | string> }[] }>('GET', '/api/rows?offset=40&limit=5');
    const rows = page.json.rows.map((r) => ({ ...r.features, age: (r.features.age as number) + 1 }));
    const names = Object.keys(rows[0]!);
    const csv = [names.join(','), ...rows.map((r) => names.map((n) => String(r[n as keyof typeof r])).join(','))].join('\n');
    await writeFile(join(dir, 'rows.csv'), `${csv}\n`);
    const cli = await runGlassbox(['predict', '--demo', 'credit', '--data', join(dir, 'rows.csv')]);
    expect(cli.code, cli.stderr).toBe(0);
    const printed = JSON.parse(cli.stdout) as { classes: string[]; outputs: number[][] };
    const api = await call<{ classes: string[]; outputs: number[][] }>('POST', '/api/predict', { rows });
    expect(api.status).toBe(200);
    expect(api.json.classes).toEqual(printed.classes);
    expect(api.json.outputs).toEqual(printed.outputs);
  });

  it('/api/rows outputs equal glassbox predict --demo credit on the demo rows', async () => {
    const cli = await runGlassbox(['predict', '--demo', 'credit', '--rows', '100:103']);
    const printed = JSON.parse(cli.stdout) as { rowIds: number[]; outputs: number[][] };
    const page = await call<{ rows: { rowId: number; outputs: number[] }[] }>('GET', '/api/rows?offset=100&limit=3');
    expect(page.json.rows.map((r) => r.rowId)).toEqual(printed.rowIds);
    expect(page.json.rows.map((r) => r.outputs)).toEqual(printed.outputs);
  });

  it('a counterfactual flips the prediction, keeps gender and age, and re-predicts to what /api/predict says', async () => {
    const rejected = await call<{ rows: { rowId: number; prediction: string }[] }>('GET', `/api/rows?limit=1&filter=${encodeURIComponent(JSON.stringify([{ feature: 'account_closed_flag', op: '==', value: 1 }]))}`);
    const row = rejected.json.rows[0]!;
    const { status, json } = await call<{ counterfactuals: { features: Record<string, number | string>; prediction: string; outputs: number[]; changed: string[] }[]; query: { features: Record<string, number | string>; prediction: string } }>('POST', '/api/counterfactual', { rowId: row.rowId, immutable: ['gender', 'age'], count: 3 });
    expect(status).toBe(200);
    expect(json.counterfactuals.length).toBeGreaterThan(0);
    const again = await call<{ outputs: number[][]; classes: string[] }>('POST', '/api/predict', { rows: json.counterfactuals.map((c) => c.features) });
    json.counterfactuals.forEach((cf, i) => {
      expect(cf.prediction).not.toBe(json.query.prediction);
      expect(cf.features.gender).toBe(json.query.features.gender);
      expect(cf.features.age).toBe(json.query.features.age);
      expect(cf.changed).not.toContain('gender');
      expect(again.json.outputs[i]).toEqual(cf.outputs);
    });
  });

  it('explains a row with KernelSHAP (the MLP has no trees); Shapley values add up to output − base', async () => {
    const { json } = await call<{ method: string; values: number[]; outputs: number[]; baseValues: number[]; featureNames: string[] }>('POST', '/api/explain', { rowId: 7 });
    expect(json.method).toBe('kernel-shap');
    expect(json.featureNames).toHaveLength(13);
    expect(json.values.reduce((a, b) => a + b, 0)).toBeCloseTo(json.outputs[0]! - json.baseValues[0]!, 5);
  });

  it('prints one line with the tokenised address, serves until stopped', async () => {
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
    const stop = new AbortController();
    const running = runServe({ demo: 'credit', port: '0', open: false }, stop.signal);
    try {
      for (let i = 0; i < 400 && written.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.stdout.write = write;
    }
    const line = written.join('');
    const url = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})/.exec(line);
    expect(url, line).not.toBeNull();
    const response = await fetch(`http://127.0.0.1:${url![1]}/api/meta`, { headers: { authorization: `Bearer ${url![2]}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { title: string }).title).toBe('demo:credit');
    stop.abort();
    await running;
  });

  it('--results DIR alone serves the data and model the run recorded, and its findings', async () => {
    const run = join(dir, 'run');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(run, { recursive: true });
    const finding = { id: 'f1', detector: 'weak-slices', severity: 'high', title: 'young self-employed', summary: 's', metric: 'error rate', value: 0.4, slice: [{ feature: 'age', op: '<', value: 25 }], examples: [], evidence: {}, suggestion: '', reproduce: '' };
    await writeFile(join(run, 'results.json'), JSON.stringify({ input: { data: 'demo:credit', model: 'demo:credit', demo: 'credit' }, findings: [finding], summary: { findings: 1, bySeverity: { high: 1 }, maxSeverity: 'high', detectors: [] }, detectors: { 'weak-slices': { slices: [] } } }));
    const served = await loadServeSession({ results: run });
    expect(served.session.title).toBe('demo:credit');
    const fromRun = createDashboardApp({ session: served.session, token: TOKEN, allowedHosts: () => new Set([HOST]) });
    const response = await fromRun.request(`http://${HOST}/api/slices`, { headers: { host: HOST, authorization: `Bearer ${TOKEN}` } });
    const body = (await response.json()) as { findings: { id: string; slice: unknown[] }[]; weakSlices: unknown };
    expect(body.findings.map((f) => f.id)).toEqual(['f1']);
    expect(body.weakSlices).toEqual({ slices: [] });
    const rows = await fromRun.request(`http://${HOST}/api/rows?limit=1&filter=${encodeURIComponent(JSON.stringify(body.findings[0]!.slice))}`, { headers: { host: HOST, authorization: `Bearer ${TOKEN}` } });
    const page = (await rows.json()) as { rows: { features: { age: number } }[]; total: number };
    expect(page.total).toBeGreaterThan(0);
    expect(page.rows[0]!.features.age).toBeLessThan(25);
  });
});
