import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/reference.js';
import { browserAvailable, seriousViolations, startDashboard, type Dashboard } from './dashboard-harness.js';

describe.skipIf(!browserAvailable())('dashboard text view in chromium (glassbox serve --demo spam)', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard('spam');
  }, 180_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  it('shows documents with their words highlighted, the text laid out exactly as stored', async () => {
    const { page, errors } = await dashboard.open('media');
    const first = page.locator('gb-media-view .document').first();
    await first.waitFor({ timeout: 90_000 });
    const rowId = Number(await page.locator('gb-media-view figure').first().getAttribute('data-row-id'));
    const column = dashboard.session.table.columns.find((c) => c.name === 'text');
    expect(column?.kind).toBe('text');
    const stored = column?.kind === 'text' ? column.values[dashboard.session.table.rowIds.indexOf(rowId)]! : '';
    await expect(first.textContent()).resolves.toBe(stored);
    // some words carry colour: their background is set (through the CSSOM, as the CSP requires)
    const coloured = await first.locator('span.word').evaluateAll((spans) => spans.filter((s) => (s as unknown as { style: { background: string } }).style.background !== '').length);
    expect(coloured).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.GLASSBOX_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(REPO_ROOT, 'docs/images'), { recursive: true });
      await page.screenshot({ path: join(REPO_ROOT, 'docs/images/dashboard-text.png') });
    }
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    await page.close();
  });
});
