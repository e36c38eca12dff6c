import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/reference.js';
import { browserAvailable, seriousViolations, startDashboard, type Dashboard, type PageElement } from './dashboard-harness.js';

describe.skipIf(!browserAvailable())('dashboard images view in chromium (glassbox serve --demo digits)', () => {
  let dashboard: Dashboard;

  beforeAll(async () => {
    dashboard = await startDashboard('digits');
  }, 180_000);

  afterAll(async () => {
    await dashboard?.close();
  });

  it('draws each image beside an attribution overlay with colour where the image has ink', async () => {
    const { page, errors } = await dashboard.open('media');
    const figures = page.locator('gb-media-view figure');
    await page.locator('gb-media-view').getByText('Misclassified images come first').waitFor();
    await expect.poll(async () => (await page.locator('gb-media-view p.hint').textContent())!.includes('Explaining'), { timeout: 90_000 }).toBe(false);
    expect(await figures.count()).toBe(8);
    // the overlay canvas has red or blue pixels (attributions); the plain image has none
    const coloured = await page.locator('gb-media-view canvas').evaluateAll((canvases) =>
      canvases.map((c) => {
        const canvas = c as unknown as PageElement & { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - data[i + 2]!) > 40) n++;
        return n;
      }),
    );
    coloured.forEach((n, i) => (i % 2 === 0 ? expect(n).toBe(0) : expect(n).toBeGreaterThan(0)));
    expect(await seriousViolations(page)).toEqual([]);
    if (process.env.GLASSBOX_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(REPO_ROOT, 'docs/images'), { recursive: true });
      await page.screenshot({ path: join(REPO_ROOT, 'docs/images/dashboard-images.png') });
    }
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    await page.close();
  });
});
