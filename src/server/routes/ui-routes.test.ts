import { describe, expect, it } from 'vitest';
import { tinySession } from '../../../test/support/dashboard-session.js';
import { createDashboardApp } from '../app.js';

const HOST = '127.0.0.1:7000';
const session = tinySession(400);
const app = createDashboardApp({ session, token: 't'.repeat(43), allowedHosts: () => new Set([HOST]) });
const headers = { host: HOST, authorization: `Bearer ${'t'.repeat(43)}`, 'content-type': 'application/json' };
const post = async (body: unknown) => {
  const response = await app.request(`http://${HOST}/api/fairness/strategy`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> & { groups: { group: string; threshold: number; n: number; selectionRate: { value: number } }[]; error?: { message: string } } };
};

/** Direct count over the tiny session: rows of `group` (a/b) whose P(yes) is at least t. */
function selected(group: string, t: number): number {
  const { table } = session;
  const age = table.columns[0]!;
  const income = table.columns[1]!;
  let k = 0;
  for (let i = 0; i < table.nRows; i++) {
    if ((i % 2 === 1 ? 'b' : 'a') !== group || age.kind !== 'numeric' || income.kind !== 'numeric') continue;
    const p = 1 / (1 + Math.exp(-(0.1 * (age.values[i]! - 40) + 0.05 * (income.values[i]! - 50) + (group === 'b' ? 1.5 : 0))));
    if (p >= t - 1e-9) k++;
  }
  return k;
}

describe('POST /api/fairness/strategy', () => {
  it('evaluates slider thresholds on the served rows, per group of the protected attribute', async () => {
    const { status, json } = await post({ strategy: 'custom', thresholds: { a: 0.3, b: 0.7 } });
    expect(status).toBe(200);
    expect(json.attribute).toBe('group');
    for (const g of json.groups) expect(g.selectionRate.value * g.n).toBeCloseTo(selected(g.group, g.threshold), 9);
  });

  it('demographic parity equalises selection rates; a single threshold is the same for every group', async () => {
    const parity = await post({ strategy: 'demographic_parity', tolerance: 0.05 });
    const [a, b] = parity.json.groups;
    expect(Math.abs(a!.selectionRate.value - b!.selectionRate.value)).toBeLessThanOrEqual(0.05);
    const single = await post({ strategy: 'single' });
    expect(single.json.groups[0]!.threshold).toBe(single.json.groups[1]!.threshold);
  });

  it('refuses an unknown strategy or attribute with 400 and the reason', async () => {
    expect((await post({ strategy: 'fastest' })).status).toBe(400);
    const unknown = await post({ strategy: 'single', attribute: 'race' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error!.message).toMatch(/"race" is not a protected attribute/);
  });
});

describe('POST /api/image-attribution', () => {
  it('refuses a session that serves no images, naming it', async () => {
    const response = await app.request(`http://${HOST}/api/image-attribution`, { method: 'POST', headers, body: JSON.stringify({ rowId: 100 }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/tiny\.csv does not serve images/);
  });
});

describe('POST /api/text-attribution', () => {
  // a classifier whose P(spam) is 0.9 when the text has the word "free", else 0.2: occluding "free" moves it by 0.7
  const docs = ['win a free prize now', 'meeting at noon'];
  const textSession = {
    ...session,
    title: 'docs.csv',
    table: { ...session.table, nRows: 2, rowIds: Int32Array.from([7, 8]), columns: [{ kind: 'text' as const, name: 'doc', values: docs }] },
    text: {
      column: 'doc',
      classifier: {
        task: 'binary' as const,
        classes: ['ham', 'spam'],
        outputWidth: 2,
        predictTexts: async (texts: readonly string[]) => Float32Array.from(texts.flatMap((t) => (/\bfree\b/.test(t) ? [0.1, 0.9] : [0.8, 0.2]))),
      },
    },
  };
  const textApp = createDashboardApp({ session: textSession, token: 't'.repeat(43), allowedHosts: () => new Set([HOST]) });

  it('gives each word its occlusion attribution for the predicted class, with the pieces to lay the text out', async () => {
    const response = await textApp.request(`http://${HOST}/api/text-attribution`, { method: 'POST', headers, body: JSON.stringify({ rowId: 7 }) });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { target: string; pieces: string[]; wordOfPiece: number[]; values: number[] };
    expect(json.target).toBe('spam');
    expect(json.pieces.join('')).toBe(docs[0]);
    const words = json.pieces.filter((_, i) => json.wordOfPiece[i]! >= 0);
    expect(words).toEqual(['win', 'a', 'free', 'prize', 'now']);
    for (const w of words) expect(json.values[json.wordOfPiece[json.pieces.indexOf(w)]!]).toBeCloseTo(w === 'free' ? 0.7 : 0, 6);
  });

  it('refuses a session without a text model', async () => {
    const response = await app.request(`http://${HOST}/api/text-attribution`, { method: 'POST', headers, body: JSON.stringify({ rowId: 100 }) });
    expect(response.status).toBe(400);
  });
});
