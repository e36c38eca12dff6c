import { describe, expect, it } from 'vitest';
import { tinySession } from '../../test/support/dashboard-session.js';
import { createDashboardApp } from './app.js';

const HOST = '127.0.0.1:7000';
const session = tinySession();
const app = createDashboardApp({ session, token: 't'.repeat(43), allowedHosts: () => new Set([HOST]) });
const headers = { host: HOST, authorization: `Bearer ${'t'.repeat(43)}`, 'content-type': 'application/json' };
async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await app.request(`http://${HOST}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, json: (await response.json()) as T };
}
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const p = (age: number, income: number, group: string): number => sigmoid(0.1 * (age - 40) + 0.05 * (income - 50) + (group === 'b' ? 1.5 : 0));

interface RowsPage {
  rows: { rowId: number; features: Record<string, number | string | null>; label: string; prediction: string; outputs: number[] }[];
  total: number;
}

describe('GET /api/rows', () => {
  it('pages rows with their row ids, features, label and the model outputs', async () => {
    const { status, json } = await call<RowsPage>('GET', '/api/rows?offset=5&limit=3');
    expect(status).toBe(200);
    expect(json.total).toBe(60);
    expect(json.rows.map((r) => r.rowId)).toEqual([105, 106, 107]);
    for (const row of json.rows) {
      const expected = p(row.features.age as number, row.features.income as number, row.features.group as string);
      expect(row.outputs[1]).toBeCloseTo(expected, 6);
      expect(row.prediction).toBe(expected >= 0.5 ? 'yes' : 'no');
    }
  });

  it('filters by predicates and by row ids', async () => {
    const young = await call<RowsPage>('GET', `/api/rows?limit=100&filter=${encodeURIComponent(JSON.stringify([{ feature: 'age', op: '<', value: 25 }, { feature: 'group', op: '==', value: 'b' }]))}`);
    expect(young.json.rows.every((r) => (r.features.age as number) < 25 && r.features.group === 'b')).toBe(true);
    const ages = session.table.columns[0]!;
    expect(young.json.total).toBe(ages.kind === 'numeric' ? [...ages.values].filter((a, i) => a < 25 && i % 2 === 1).length : -1);
    const ids = await call<RowsPage>('GET', `/api/rows?filter=${encodeURIComponent(JSON.stringify({ rowIds: [140, 101, 999] }))}`);
    expect(ids.json.rows.map((r) => r.rowId)).toEqual([101, 140]);
  });

  it('answers a filter on an unknown column with 400 naming it', async () => {
    const { status, json } = await call<{ error: { message: string } }>('GET', `/api/rows?filter=${encodeURIComponent(JSON.stringify([{ feature: 'agee', op: '<', value: 1 }]))}`);
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/there is no column "agee"/);
  });
});

describe('POST /api/predict', () => {
  it('returns the model outputs for edited rows', async () => {
    const rows = [{ age: 30, income: 80, group: 'a' }, { age: 55, income: 20, group: 'b' }];
    const { status, json } = await call<{ classes: string[]; outputs: number[][] }>('POST', '/api/predict', { rows });
    expect(status).toBe(200);
    expect(json.classes).toEqual(['no', 'yes']);
    rows.forEach((r, i) => expect(json.outputs[i]![1]).toBeCloseTo(p(r.age, r.income, r.group), 6));
  });
});

describe('POST /api/explain', () => {
  it('explains a row with KernelSHAP by default; attributions sum to output − base', async () => {
    const { status, json } = await call<{ method: string; values: number[]; baseValues: number[]; outputs: number[]; featureNames: string[]; properties: { completeness: boolean } }>('POST', '/api/explain', { row: { age: 62, income: 90, group: 'b' } });
    expect(status).toBe(200);
    expect(json.method).toBe('kernel-shap');
    expect(json.featureNames).toEqual(['age', 'income', 'group']);
    expect(json.properties.completeness).toBe(true);
    expect(json.outputs[0]).toBeCloseTo(p(62, 90, 'b'), 6);
    const sum = json.values.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(json.outputs[0]! - json.baseValues[0]!, 6);
  });

  it('explains a served row by id the same as its feature values', async () => {
    const byId = await call<{ values: number[] }>('POST', '/api/explain', { rowId: 110 });
    const page = await call<RowsPage>('GET', `/api/rows?filter=${encodeURIComponent(JSON.stringify({ rowIds: [110] }))}`);
    const byValues = await call<{ values: number[] }>('POST', '/api/explain', { row: page.json.rows[0]!.features });
    expect(byId.json.values).toEqual(byValues.json.values);
  });

  it('refuses a method that does not apply, and a row id that is not served', async () => {
    const tree = await call<{ error: { message: string; hint: string } }>('POST', '/api/explain', { rowId: 110, method: 'integrated-gradients' });
    expect(tree.status).toBe(400);
    expect(tree.json.error.hint).toMatch(/kernel-shap/);
    const missing = await call<{ error: { message: string } }>('POST', '/api/explain', { rowId: 5 });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toMatch(/rowId 5 is not a served row/);
  });
});

describe('POST /api/counterfactual', () => {
  interface CfResponse {
    counterfactual: Record<string, number | string> | null;
    changed: string[];
    distance: number | null;
    counterfactuals: { features: Record<string, number | string>; changed: string[]; outputs: number[]; prediction: string; rowId?: number }[];
    query: { prediction: string };
    desiredClass: string;
    notes: string[];
  }

  it('generates counterfactuals that flip the prediction and keep the immutable features', async () => {
    const row = { age: 30, income: 40, group: 'a' };
    const { status, json } = await call<CfResponse>('POST', '/api/counterfactual', { row, immutable: ['group'], count: 3 });
    expect(status).toBe(200);
    expect(json.query.prediction).toBe('no');
    expect(json.desiredClass).toBe('yes');
    expect(json.counterfactuals.length).toBeGreaterThan(0);
    expect(json.counterfactual).toEqual(json.counterfactuals[0]!.features);
    for (const cf of json.counterfactuals) {
      expect(cf.features.group).toBe('a');
      expect(cf.prediction).toBe('yes');
      expect(p(cf.features.age as number, cf.features.income as number, 'a')).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('finds the nearest data row of the other class, with its row id', async () => {
    const { json } = await call<CfResponse>('POST', '/api/counterfactual', { rowId: 101, method: 'nearest' });
    const cf = json.counterfactuals[0]!;
    expect(cf.rowId).toBeGreaterThanOrEqual(100);
    expect(cf.prediction).not.toBe(json.query.prediction);
  });
});

describe('GET /api/pdp', () => {
  it('returns the PDP as the mean of the ICE curves, and the selected row’s curve on the same grid', async () => {
    const { status, json } = await call<{ grid: number[]; average: number[]; ice: number[][]; row: number[] }>('GET', '/api/pdp?feature=income&rowId=110&gridSize=5');
    expect(status).toBe(200);
    // row 110 is table row 10: age 30, group a
    json.grid.forEach((v, k) => expect(json.row[k]).toBeCloseTo(p(30, v, 'a'), 6));
    const n = json.ice.length + 1; // the selected row is averaged in
    json.average.forEach((avg, k) => expect(avg).toBeCloseTo((json.ice.reduce((s, curve) => s + curve[k]!, 0) + json.row[k]!) / n, 6));
  });

  it('answers an unknown feature with 400', async () => {
    const { status, json } = await call<{ error: { message: string } }>('GET', '/api/pdp?feature=nope');
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/"nope" is not a feature \(known: age, income, group\)/);
  });
});

describe('GET /api/projection', () => {
  it('places every row in 2-D with PCA and names each by its row id', async () => {
    const { status, json } = await call<{ rowIds: number[]; coordinates: number[][]; method: string }>('GET', '/api/projection?method=pca');
    expect(status).toBe(200);
    expect(json.method).toBe('pca');
    expect(json.rowIds).toEqual(Array.from(session.table.rowIds));
    expect(json.coordinates.every((c) => c.length === 2 && c.every(Number.isFinite))).toBe(true);
  });
});

describe('GET /api/findings without results', () => {
  it('says how to get them (422)', async () => {
    const { status, json } = await call<{ error: { hint: string } }>('GET', '/api/findings');
    expect(status).toBe(422);
    expect(json.error.hint).toMatch(/--results/);
  });
});
