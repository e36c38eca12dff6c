import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsSchema } from '../../src/results/schema.js';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

/** Issue 10 §6: flags, row numbering and exit codes mean the same thing in every command. */
const HAS_REFERENCE = useReference('CLI consistency on german-credit files', ['german-credit/schema.json', 'german-credit/xgb.json', 'german-credit/mlp.onnx', 'german-credit/preprocess.json', '../datasets/german_credit.csv']);

describe.skipIf(!HAS_REFERENCE)('CLI consistency on german-credit files', () => {
  let dir: string;
  const data = join(DATASETS_DIR, 'german_credit.csv');
  const inputs = ['--data', data, '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/xgb.json')];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-consistency-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('junit.xml fails only what --fail-on fails: none by default (exit 0), the ≥ high findings with --fail-on high (exit 1)', async () => {
    const plain = join(dir, 'default');
    const run = await runGlassbox(['scan', ...inputs, '--out', plain, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const xml = await readFile(join(plain, 'junit.xml'), 'utf8');
    expect(xml).toMatch(/failures="0"/);
    expect(xml).not.toContain('<failure');

    const gated = join(dir, 'high');
    const strict = await runGlassbox(['scan', ...inputs, '--out', gated, '--quiet', '--fail-on', 'high']);
    const results = resultsSchema.parse(JSON.parse(await readFile(join(gated, 'results.json'), 'utf8')));
    const failing = new Set(results.findings.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => f.detector));
    expect(failing.size).toBeGreaterThan(0);
    expect(strict.code).toBe(1);
    expect(await readFile(join(gated, 'junit.xml'), 'utf8')).toMatch(new RegExp(`failures="${failing.size}"`));
  }, 120_000);

  it('scan --protected a,b audits fairness on own data without a hand-written schema (--label is --target\'s alias)', async () => {
    const own = ['--data', data, '--model', referencePath('german-credit/mlp.onnx'), '--preprocess', referencePath('german-credit/preprocess.json')];
    const without = join(dir, 'no-protected');
    expect((await runGlassbox(['scan', ...own, '--target', 'target', '--out', without, '--quiet'])).code).toBe(0);
    const skipped = resultsSchema.parse(JSON.parse(await readFile(join(without, 'results.json'), 'utf8')));
    expect(skipped.summary.detectors.find((d) => d.id === 'disparity')?.status).toBe('skipped');

    const out = join(dir, 'protected');
    const run = await runGlassbox(['scan', ...own, '--label', 'target', '--protected', 'status_and_sex,age', '--out', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const results = resultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
    expect(results.input.protected).toEqual(['status_and_sex', 'age']);
    expect(results.input.target).toBe('target');
    expect(results.summary.detectors.filter((d) => d.id === 'disparity' || d.id === 'protected-performance').map((d) => d.status)).toEqual(['ran', 'ran']);
    const groups = JSON.stringify(results.detectors['protected-performance']);
    expect(groups).toContain('male : single');
    expect(groups).toMatch(/<\d+|>=\d+/); // age split at its quartiles

    const conflict = await runGlassbox(['predict', ...own, '--target', 'target', '--label', 'age']);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/--label is an alias of --target/);
    const unknown = await runGlassbox(['scan', ...own, '--target', 'target', '--protected', 'planet', '--out', join(dir, 'never'), '--quiet']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--protected: "planet" is neither/);
    const label = await runGlassbox(['scan', ...own, '--target', 'target', '--protected', 'age,target', '--out', join(dir, 'never'), '--quiet']);
    expect(label.code).toBe(2);
    expect(label.stderr).toMatch(/--protected names "target", which is the label column/);
  }, 120_000);

  it('--rows a:b and rowIds are 0-based data rows of the input file in predict, even after rows are dropped', async () => {
    const lines = (await readFile(data, 'utf8')).trimEnd().split('\n');
    const holed = join(dir, 'holed.csv');
    // data row 1 (file line 3) loses its credit amount, so --missing drop removes it
    await writeFile(holed, [lines[0]!, lines[1]!, lines[2]!.replace(/^([^,]*,[^,]*,("[^"]*"|[^,]*),[^,]*,)[^,]*,/, '$1,'), ...lines.slice(3, 12)].join('\n'));
    const run = await runGlassbox(['predict', '--data', holed, '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/xgb.json'), '--missing', 'drop', '--rows', '0:4']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { rowIds: number[]; outputs: number[][] };
    expect(json.rowIds).toEqual([0, 2, 3]);
    const full = JSON.parse((await runGlassbox(['predict', ...inputs, '--rows', '2:4'])).stdout) as { rowIds: number[]; outputs: number[][] };
    expect(full.rowIds).toEqual([2, 3]);
    expect(json.outputs.slice(1)).toEqual(full.outputs);
  });

  it('the report names a waterfall row by its data row id: its output is that file row\'s prediction', async () => {
    const html = await readFile(join(dir, 'default', 'report.html'), 'utf8');
    const caption = /tree-shap: data row (\d+), from the base value (-?[\d.]+) to the output (-?[\d.]+)/.exec(html);
    expect(caption, 'waterfall caption').not.toBeNull();
    const id = Number(caption![1]);
    const predicted = JSON.parse((await runGlassbox(['predict', ...inputs, '--rows', `${id}:${id + 1}`])).stdout) as { rowIds: number[]; outputs: number[][] };
    expect(predicted.rowIds).toEqual([id]);
    const p = predicted.outputs[0]![1]!;
    expect(Math.log(p / (1 - p))).toBeCloseTo(Number(caption![3]), 3); // TreeSHAP explains the margin
  });

  it('slices --predictions takes glassbox predict\'s JSON of the whole file and matches it to the audited test rows by rowIds', async () => {
    const predicted = await runGlassbox(['predict', ...inputs, '--format', 'json']);
    const file = join(dir, 'predictions.json');
    await writeFile(file, predicted.stdout);
    const fromFile = await runGlassbox(['slices', '--data', data, '--schema', referencePath('german-credit/schema.json'), '--predictions', file, '--format', 'json']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const fromModel = await runGlassbox(['slices', ...inputs, '--format', 'json']);
    const overall = (run: { stdout: string }): { rows: number; overall: number } => JSON.parse(run.stdout) as { rows: number; overall: number };
    expect(overall(fromFile).rows).toBe(257);
    expect(overall(fromFile).overall).toBe(overall(fromModel).overall);
  }, 60_000);

  it('explain --rows a:b explains data rows a..b-1 of the file, as predict does, and --class picks the class', async () => {
    const mlp = ['--data', data, '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/mlp.onnx'), '--preprocess', referencePath('german-credit/preprocess.json')];
    const explained = await runGlassbox(['explain', ...mlp, '--rows', '0:3', '--method', 'exact-shapley', '--features', 'status_account,age', '--background', '5', '--class', 'good']);
    expect(explained.code, explained.stderr).toBe(0);
    const json = JSON.parse(explained.stdout) as { rowIds: number[]; outputs: number[]; target: string[] };
    expect(json.rowIds).toEqual([0, 1, 2]);
    expect(json.target).toEqual(['good', 'good', 'good']);
    const predicted = JSON.parse((await runGlassbox(['predict', ...mlp, '--rows', '0:3'])).stdout) as { rowIds: number[]; outputs: number[][] };
    expect(predicted.rowIds).toEqual([0, 1, 2]);
    json.outputs.forEach((p, r) => expect(p).toBeCloseTo(predicted.outputs[r]![0]!, 6));
    const html = await runGlassbox(['explain', ...mlp, '--rows', '5:7', '--method', 'occlusion', '--background', '5', '--format', 'html']);
    expect(html.stdout).toContain('occlusion: data row 5, from the base value');
  }, 60_000);

  it('explain: --target names the label column as everywhere; a class given to it points to --class', async () => {
    const mlp = ['--data', data, '--model', referencePath('german-credit/mlp.onnx'), '--preprocess', referencePath('german-credit/preprocess.json'), '--rows', '0:1', '--method', 'occlusion', '--background', '3'];
    for (const value of ['1', 'predicted']) {
      const run = await runGlassbox(['explain', ...mlp, '--target', value]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`--target names the label column.*the class to explain is --class[\\s\\S]*hint: Use --class ${value}`));
    }
    const byName = await runGlassbox(['explain', ...mlp, '--target', 'bad']);
    expect(byName.code).toBe(2);
    expect(byName.stderr).toMatch(/Target column "bad" is not in .*to choose the class to explain use --class bad/);
    const column = await runGlassbox(['explain', ...mlp, '--label', 'target', '--class', 'bad']);
    expect(column.code, column.stderr).toBe(0);
    expect((JSON.parse(column.stdout) as { target: string[] }).target).toEqual(['bad']);
  }, 60_000);

  it('--samples hints suggest a value the method accepts', async () => {
    const run = await runGlassbox(['explain', ...inputs, '--method', 'kernel-shap', '--samples', '-5']);
    expect(run.code).toBe(2);
    const hint = /hint: e\.g\. --samples (\d+)/.exec(run.stderr);
    expect(hint, run.stderr).not.toBeNull();
    const ok = await runGlassbox(['explain', ...inputs, '--method', 'kernel-shap', '--samples', hint![1]!, '--rows', '0:1']);
    expect(ok.code, ok.stderr).toBe(0);
    const lime = await runGlassbox(['explain', ...inputs, '--method', 'lime', '--samples', '1']);
    expect(lime.stderr).toMatch(/--samples must be at least 2/);
  }, 60_000);
});
