import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpamData } from '../../src/demos/spam/data.js';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

const HAS_REFERENCE = useReference('glassbox invariance', ['german-credit/mlp.onnx', 'german-credit/preprocess.json', 'german-credit/schema.json', '../datasets/german_credit.csv']);

interface PrintedTest {
  name: string;
  kind: string;
  n: number;
  violations: number;
  violationRate: number | null;
  interval: { low: number; high: number; method: string } | null;
  examples: { rowId: number | null; original?: unknown; perturbed: unknown; change: number }[];
  slices: { description: string; examples: number[] }[];
}

describe.skipIf(!HAS_REFERENCE)('glassbox invariance on the german-credit MLP', () => {
  const args = ['invariance', '--data', `${DATASETS_DIR}/german_credit.csv`, '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/mlp.onnx'), '--preprocess', referencePath('german-credit/preprocess.json'), '--quiet'];

  it('runs declared tests and the defaults, with Wilson intervals, test-split row ids and byte-identical output under a seed', async () => {
    const tests = new URL('../../docs/examples/german-credit-tests.json', import.meta.url).pathname;
    const run = await runGlassbox([...args, '--tests', tests, '--format', 'json', '--seed', '3']);
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as { subject: string; rows: number; tests: PrintedTest[] };
    expect(printed.subject).toBe('tabular');
    expect(printed.rows).toBe(257);
    const byName = new Map(printed.tests.map((t) => [t.name, t]));
    expect([...byName.keys()]).toContain('noise: age');
    const swap = byName.get('sex and marital status do not matter')!;
    expect(swap.kind).toBe('inv');
    expect(swap.n).toBe(257);
    expect(swap.violations).toBeGreaterThan(0);
    expect(swap.violationRate).toBeCloseTo(swap.violations / swap.n, 12);
    expect(swap.interval!.method).toBe('wilson');
    expect(swap.interval!.low).toBeLessThan(swap.violationRate!);
    for (const e of swap.examples) {
      // test rows of the german-credit split sit anywhere in 0..999
      expect(e.rowId).toBeGreaterThanOrEqual(0);
      expect(e.rowId).toBeLessThan(1000);
      expect(e.original).not.toEqual(e.perturbed);
    }
    const mft = byName.get('a solid applicant is good')!;
    expect(mft.n).toBe(27);
    const again = await runGlassbox([...args, '--tests', tests, '--format', 'json', '--seed', '3']);
    expect(again.stdout).toBe(run.stdout);
  });

  it('refuses a bad tests file before any prediction, naming the test and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'glassbox-inv-'));
    const bad = join(dir, 'tests.json');
    await writeFile(bad, JSON.stringify({ tests: [{ name: 'ok', kind: 'inv', perturbation: 'case' }, { name: 'mono', kind: 'dir', feature: 'age', direction: 'upwards' }] }));
    const run = await runGlassbox([...args, '--tests', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/test 1 \("mono"\), field direction/);
    await writeFile(bad, JSON.stringify({ tests: [{ name: 'sex', kind: 'inv', perturbation: 'category-swap', feature: 'status_and_sex', groups: [['male : single', 'female : single']] }] }));
    const unknown = await runGlassbox([...args, '--tests', bad]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Test "sex", field groups\[0\]\[1\]: "female : single" is not a category of status_and_sex/);
  });
});

describe('glassbox invariance on the spam demo', () => {
  it('runs the built-in text tests on the first audited documents', async () => {
    const run = await runGlassbox(['invariance', '--demo', 'spam', '--rows', '0:120', '--format', 'json', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as { subject: string; rows: number; tests: PrintedTest[] };
    expect(printed.subject).toBe('text');
    expect(printed.rows).toBe(120);
    expect(printed.tests.map((t) => t.name)).toEqual(['typo', 'case', 'punctuation', 'contractions', 'synonyms', 'names', 'locations']);
    for (const t of printed.tests) {
      expect(t.n).toBeLessThanOrEqual(120);
      expect(Array.isArray(t.slices)).toBe(true);
      for (const e of t.examples) expect(typeof e.perturbed).toBe('string');
    }
  });

  it('refuses image data with a reason', async () => {
    const run = await runGlassbox(['invariance', '--demo', 'digits', '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/invariance tests run on tabular and text models/);
  });
});

describe('glassbox invariance on a text model from files', () => {
  it('runs declared text tests (INV and MFT) on --model + --text-encoder + a CSV, with data row ids from --rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'glassbox-inv-text-'));
    const data = loadSpamData(0);
    const rows = Array.from(data.isTest.keys()).filter((i) => data.isTest[i] === 1).slice(0, 60);
    const field = (v: string): string => `"${v.replace(/"/g, '""')}"`;
    const csv = join(dir, 'messages.csv');
    await writeFile(csv, `message\n${rows.map((i) => field(data.texts[i]!)).join('\n')}\n`);
    const tests = join(dir, 'tests.json');
    await writeFile(tests, JSON.stringify({ defaults: false, tests: [{ name: 'contractions', kind: 'inv', perturbation: 'contractions' }, { name: 'newsletters are ham', kind: 'mft', templates: ['Hi {first_name}, the minutes of the {city} meeting are attached.'], expected: 'ham' }] }));
    const model = new URL('../../models/spam/', import.meta.url).pathname;
    const run = await runGlassbox(['invariance', '--model', join(model, 'model.json'), '--text-encoder', join(model, 'text-encoder.json'), '--data', csv, '--tests', tests, '--rows', '10:50', '--format', 'json', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as { subject: string; rows: number; tests: PrintedTest[] };
    expect(printed.subject).toBe('text');
    expect(printed.rows).toBe(40);
    const [inv, mft] = printed.tests;
    expect(inv!.n).toBeLessThanOrEqual(40);
    for (const e of inv!.examples) expect(e.rowId! >= 10 && e.rowId! < 50).toBe(true);
    expect(mft!.n).toBe(40 * 21);
    for (const e of mft!.examples) expect(e.rowId).toBeNull();
  });
});
