import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { runGlassbox } from '../support/cli.js';
import { REPO_ROOT } from '../support/reference.js';
import { browserAvailable, seriousViolations, startDashboard, type Dashboard, type PageGlobals } from './dashboard-harness.js';

/** GLASSBOX_UPDATE_SCREENSHOTS=1 rewrites the README's screenshots (docs/images/dashboard-*.png); otherwise nothing is written. */
const SCREENSHOTS = process.env.GLASSBOX_UPDATE_SCREENSHOTS === '1';

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(join(REPO_ROOT, 'docs/images'), { recursive: true });
  await page.screenshot({ path: join(REPO_ROOT, `docs/images/dashboard-${name}.png`) });
}

const cspErrors = (errors: readonly string[]) => errors.filter((e) => /Content Security Policy|Refused to/i.test(e));

describe.skipIf(!browserAvailable())('dashboard in chromium (glassbox serve --demo credit)', () => {
  let dashboard: Dashboard;
  const tmp = mkdtempSync(join(tmpdir(), 'glassbox-browser-'));

  beforeAll(async () => {
    dashboard = await startDashboard('credit');
  }, 180_000);

  afterAll(async () => {
    await dashboard?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('loads the table of every row, without a Content-Security-Policy violation or a serious accessibility problem', async () => {
    const { page, errors } = await dashboard.open('datapoints');
    await page.locator('[data-row-id="0"]').waitFor();
    await expect(page.locator('gb-app header').textContent()).resolves.toContain('demo:credit');
    await expect(page.locator('[data-row-id="5"]').textContent()).resolves.toMatch(/^\s*5\s/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'datapoints');
    expect(cspErrors(errors)).toEqual([]);
    await page.close();
  });

  it('what-if: editing a feature and pressing Enter shows the prediction glassbox predict gives for the edited row', async () => {
    const { page, errors } = await dashboard.open('whatif');
    const prediction = page.getByTestId('whatif-prediction');
    await prediction.waitFor();
    const before = JSON.parse((await prediction.getAttribute('data-outputs'))!) as number[];
    const meta = (await page.evaluate(async () => (await fetch('/api/meta')).json())) as { features: { name: string }[] };
    const row0 = (await page.evaluate(async () => (await fetch('/api/rows?offset=0&limit=1')).json())) as { rows: { features: Record<string, string | number> }[] };
    const income = page.getByTestId('whatif-feature-income');
    await income.fill('12');
    await income.press('Enter');
    await page.waitForFunction((old) => (globalThis as unknown as PageGlobals).document.querySelector('gb-app')!.shadowRoot!.querySelector('gb-whatif-view')!.shadowRoot!.querySelector('[data-testid="whatif-prediction"]')!.getAttribute('data-outputs') !== old, JSON.stringify(before));
    const after = JSON.parse((await prediction.getAttribute('data-outputs'))!) as number[];

    const edited: Record<string, string | number> = { ...row0.rows[0]!.features, income: 12 };
    const names = meta.features.map((f) => f.name);
    const csv = join(tmp, 'edited.csv');
    writeFileSync(csv, `${names.join(',')}\n${names.map((n) => edited[n]).join(',')}\n`);
    // the demo's committed model and encoder, as glassbox serve --demo credit loads them
    const cli = await runGlassbox(['predict', '--model', join(REPO_ROOT, 'models/credit/model.json'), '--preprocess', join(REPO_ROOT, 'models/credit/encoder.json'), '--data', csv]);
    expect(cli.code, cli.stderr).toBe(0);
    const expected = (JSON.parse(cli.stdout) as { outputs: number[][] }).outputs[0]!;
    expect(after).not.toEqual(before);
    after.forEach((p, k) => expect(p).toBeCloseTo(expected[k]!, 6));
    await expect(prediction.textContent()).resolves.toContain(expected[1]!.toFixed(4));
    await page.locator('gb-vega-chart[label="Attributions of the original and the edited row"] svg').waitFor({ timeout: 60_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'whatif');
    expect(cspErrors(errors)).toEqual([]);
    await page.close();
  });
});
