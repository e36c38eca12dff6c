import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsSchema, type ScanResults } from '../../src/results/schema.js';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

/**
 * `glassbox scan` on real files: the german-credit CSV, the reference schema, mlp.onnx and its
 * preprocess.json. The reference README gives the model's test accuracy (0.7471 at threshold 0.5),
 * so the scan's headline number is checked against it.
 */
const HAS_REFERENCE = useReference('glassbox scan on german-credit files', ['german-credit/mlp.onnx', 'german-credit/preprocess.json', 'german-credit/schema.json', '../datasets/german_credit.csv']);

describe.skipIf(!HAS_REFERENCE)('glassbox scan on german-credit files', () => {
  let out: string;
  let results: ScanResults;
  let code: number;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'glassbox-scan-'));
    const run = await runGlassbox([
      'scan',
      '--data', join(DATASETS_DIR, 'german_credit.csv'),
      '--schema', referencePath('german-credit/schema.json'),
      '--model', referencePath('german-credit/mlp.onnx'),
      '--preprocess', referencePath('german-credit/preprocess.json'),
      '--out', out,
      '--quiet',
      '--fail-on', 'critical',
    ]);
    code = run.code;
    if (run.code === 2) throw new Error(run.stderr);
    results = resultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
  }, 120_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('audits the 257 test rows and reproduces the reference accuracy', () => {
    expect(code).toBe(0);
    expect(results.input.rows).toBe(257);
    expect(results.input.trainRows).toBe(743);
    expect(results.input.classes).toEqual(['good', 'bad']);
    const overall = results.findings.find((f) => f.id === 'overall-performance/accuracy');
    expect(overall?.value).toBeCloseTo(0.7471, 4);
    expect(overall?.interval?.low).toBeLessThan(0.7471);
    expect(overall?.interval?.high).toBeGreaterThan(0.7471);
  });

  it('reports performance per protected group from the schema', () => {
    const section = results.sections.find((s) => s.id === 'protected-performance');
    expect(section).toBeDefined();
    const captions = section!.blocks.map((b) => (b.kind === 'table' ? b.caption : undefined));
    expect(captions).toContain('By sex');
    expect(captions).toContain('By age');
    const sexTable = section!.blocks.find((b) => b.kind === 'table' && b.caption === 'By sex');
    if (sexTable?.kind !== 'table') throw new Error('no table');
    const n = sexTable.rows.map((r) => Number(r[1])).reduce((a, b) => a + b, 0);
    expect(n).toBe(257);
  });

  it('writes the report, findings and junit files and nothing else', async () => {
    expect((await readdir(out)).sort()).toEqual(['findings.md', 'junit.xml', 'report.html', 'results.json']);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/https?:\/\/(?!vega\.github\.io\/schema|www\.w3\.org)/);
    const md = await readFile(join(out, 'findings.md'), 'utf8');
    expect(md).toContain('Accuracy');
  });
});
