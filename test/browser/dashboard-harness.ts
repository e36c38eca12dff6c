import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadServeSession } from '../../src/cli/commands/serve/session.js';
import { listenDashboard, type RunningDashboard } from '../../src/server/listen.js';
import type { DashboardResults, DashboardSession } from '../../src/server/session.js';
import { REPO_ROOT } from '../support/reference.js';

const run = promisify(execFile);

/** Debian's chromium (.ci/run installs it with apt); GLASSBOX_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.GLASSBOX_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run. In CI a missing browser is a failure (.ci/run installs it); on a
 * developer's machine without chromium the suite is skipped with a visible warning.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`Browser tests: no chromium at ${CHROMIUM}; .ci/run installs it with apt-get install chromium.`);
  console.warn(`[skip] browser tests: no chromium at ${CHROMIUM} (apt-get install chromium, or set GLASSBOX_CHROMIUM)`);
  return false;
}

/** The few DOM types the in-page functions use (this file compiles for Node, without the DOM lib; types are erased). */
export interface PageElement {
  readonly shadowRoot: PageElement | null;
  querySelector(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
}
export interface PageGlobals {
  readonly document: PageElement & { addEventListener(type: string, listener: (event: { key: string }) => void, capture: boolean): void };
  readonly MutationObserver: new (callback: () => void) => { observe(target: PageElement, options: { attributes: boolean }): void; disconnect(): void };
  t0: number;
  firstRows?: number;
  setInterval(callback: () => void, ms: number): number;
  clearInterval(handle: number): void;
}

export interface Dashboard {
  readonly session: DashboardSession;
  readonly running: RunningDashboard;
  readonly browser: Browser;
  /** A fresh page on the dashboard at `#view`, recording console errors (CSP violations among them). */
  open(view?: string, beforeLoad?: (page: Page) => Promise<void>): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/** Builds the front end with Vite into a temporary folder (the same config as npm run build). */
async function buildBundle(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'glassbox-ui-'));
  await run(process.execPath, [join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], { cwd: REPO_ROOT, env: { ...process.env, GLASSBOX_UI_OUT: out } });
  return out;
}

/**
 * `glassbox serve --demo NAME --port 0` in this process, with a freshly built bundle, and a headless chromium.
 * `results` replaces the scan the session would run on the first /api/findings (e.g. one detector, to keep a test fast).
 */
export async function startDashboard(demo: string, results?: (session: DashboardSession) => Promise<DashboardResults>): Promise<Dashboard> {
  const [bundleDir, loaded] = await Promise.all([buildBundle(), loadServeSession({ demo })]);
  const { dispose } = loaded;
  const session: DashboardSession = results ? { ...loaded.session, results: () => results(loaded.session) } : loaded.session;
  const running = await listenDashboard(session, { port: 0, bundleDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  return {
    session,
    running,
    browser,
    async open(view = 'datapoints', beforeLoad) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      const errors: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      page.on('pageerror', (e) => void errors.push(e.message));
      await beforeLoad?.(page);
      await page.goto(`${running.url}#${view}`);
      return { page, errors };
    },
    async close() {
      await browser.close();
      await running.close();
      await dispose();
      rmSync(bundleDir, { recursive: true, force: true });
    },
  };
}

/** axe-core's serious and critical violations on the page (its source is evaluated in the page; no script tag, so the CSP stays on). */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  const { source } = (await import('axe-core')).default as unknown as { source: string };
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    return axe.run((globalThis as unknown as PageGlobals).document, { resultTypes: ['violations'] });
  });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
}
