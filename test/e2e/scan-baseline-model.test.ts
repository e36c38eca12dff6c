import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsSchema, type ScanResults } from '../../src/results/schema.js';
import { Rng } from '../../src/rng.js';
import { runGlassbox } from '../support/cli.js';

/** `glassbox scan --data D --target y` without --model: a cross-fitted baseline GAM is the audited model, and the report says so. */
describe('glassbox scan without a model', () => {
  let dir: string;
  let results: ScanResults;
  let html: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-baseline-'));
    const rng = new Rng(7);
    const lines = ['income,region,tenure,churned'];
    for (let i = 0; i < 400; i++) {
      const income = Math.round(20 + 80 * rng.next());
      const region = ['north', 'south', 'east'][rng.int(3)]!;
      const tenure = rng.int(10);
      const p = 1 / (1 + Math.exp(-(0.05 * (income - 60) + (region === 'south' ? 1 : 0) - 0.2 * tenure)));
      lines.push(`${income},${region},${tenure},${rng.next() < p ? 'yes' : 'no'}`);
    }
    await writeFile(join(dir, 'churn.csv'), `${lines.join('\n')}\n`);
    const out = join(dir, 'out');
    const run = await runGlassbox(['scan', '--data', join(dir, 'churn.csv'), '--target', 'churned', '--out', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/baseline GAM/);
    results = resultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
    html = await readFile(join(out, 'report.html'), 'utf8');
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('audits every row with a cross-fitted baseline GAM and names it as the model', () => {
    expect(results.input.rows).toBe(400);
    expect(results.input.model).toMatch(/baseline GAM trained by glassbox \(cross-fitted, 5 folds\)/);
    expect(results.warnings?.[0]?.code).toBe('baseline-model');
  });

  it('says at the top of the report that the model is a baseline glassbox trained', () => {
    const warning = html.indexOf('baseline GAM');
    const findings = html.indexOf('Findings');
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(findings);
    expect(html).toMatch(/not a model of yours/);
  });
});
