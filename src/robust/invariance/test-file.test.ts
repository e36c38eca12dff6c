import { describe, expect, it } from 'vitest';
import { caughtGlassboxError, caughtGlassboxErrorSync } from '../../../test/support/errors.js';
import { fnModel } from '../../model/fn.js';
import { runInvariance } from './run.js';
import { parseTestFile } from './test-file.js';
import type { TabularSubject, TextSubject } from './types.js';

const parseError = (json: unknown): string => caughtGlassboxErrorSync(() => parseTestFile(json, 'tests.json')).message;

describe('tests file: shape', () => {
  it('names the test (index and name) and the field of each problem', () => {
    expect(parseError({ tests: [{ name: 'a', kind: 'maybe' }] })).toBe('tests.json: test 0 ("a"), field kind: unknown kind: use "inv", "dir" or "mft".');
    expect(parseError({ tests: [{ name: 'a', kind: 'inv', perturbation: 'case' }, { name: 'b', kind: 'inv', perturbation: 'blur' }] })).toMatch(/^tests\.json: test 1 \("b"\), field perturbation: unknown perturbation/);
    expect(parseError({ tests: [{ name: 'inc', kind: 'dir', feature: 'income', direction: 'up' }] })).toMatch(/test 0 \("inc"\), field direction: /);
    expect(parseError({ tests: [{ name: 'n', kind: 'inv', perturbation: 'noise', features: ['x'], scale: -1 }] })).toMatch(/test 0 \("n"\), field scale: must be > 0/);
    expect(parseError({ tests: [{ name: 'n', kind: 'inv', perturbation: 'noise', features: ['x'], scal: 2 }] })).toMatch(/test 0 \("n"\): unknown field\(s\) "scal"/);
    expect(parseError({ tests: [{ name: 's', kind: 'dir', feature: 'x', direction: 'increasing', steps: [2, 1] }] })).toMatch(/field steps: steps must be strictly increasing/);
    expect(parseError({ tests: [{ name: 'g', kind: 'inv', perturbation: 'category-swap', feature: 'c', groups: [['a']] }] })).toMatch(/field groups\[0\]: an equivalence group needs at least 2 categories/);
    expect(parseError({ tests: [{ name: 'm', kind: 'mft', expected: 'yes' }] })).toMatch(/test 0 \("m"\), field templates: give either "templates" \(text\) or "row" \(tabular\)/);
    expect(parseError({ tests: [{ name: 'a', kind: 'inv', perturbation: 'case' }, { name: 'a', kind: 'inv', perturbation: 'typo' }] })).toMatch(/test 1 \("a"\), field name: another test has the same name/);
    expect(parseError({ test: [] })).toMatch(/tests\.json: /);
  });
});

const tabular: TabularSubject = (() => {
  const m = fnModel({ inputWidth: 2, task: 'binary', classes: ['deny', 'approve'], predict: (x, n) => Float32Array.from({ length: n }, (_, i) => (x[i * 2]! > 0 ? 0.9 : 0.1)) });
  return {
    kind: 'tabular',
    task: m.task,
    classes: m.classes,
    outputWidth: 2,
    features: [{ name: 'income', type: 'numeric' }, { name: 'region', type: 'categorical', categories: ['north', 'south'] }],
    rows: { data: Float64Array.from([1, 0, -1, 1, 2, 1]), nRows: 3, nFeatures: 2 },
    rowIds: Int32Array.from([0, 1, 2]),
    predict: (raw) => m.predict({ data: Float32Array.from(raw.data), shape: [raw.nRows, 2] }),
  };
})();

const text: TextSubject = { kind: 'text', task: 'binary', classes: ['ham', 'spam'], outputWidth: 2, documents: ['hi'], rowIds: Int32Array.from([0]), predict: async (t) => new Float32Array(t.length * 2).fill(0.5) };

async function runError(subject: TabularSubject | TextSubject, tests: unknown[]): Promise<string> {
  let calls = 0;
  const counted = { ...subject, predict: (...args: Parameters<typeof subject.predict>) => (calls++, (subject.predict as (...a: unknown[]) => Promise<Float32Array>)(...args)) } as typeof subject;
  const error = await caughtGlassboxError(() => runInvariance(counted, { tests: parseTestFile({ tests }) }));
  expect(calls).toBe(0);
  return `${error.message} | ${String(error.details.hint)}`;
}

describe('tests file: names checked against the model before it is called', () => {
  it('refuses unknown features, wrong types, unknown categories, classes and outputs', async () => {
    expect(await runError(tabular, [{ name: 'n', kind: 'inv', perturbation: 'noise', features: ['incme'] }])).toBe('Test "n", field features[0]: "incme" is not a feature of the model. | numeric features: income.');
    expect(await runError(tabular, [{ name: 'n', kind: 'inv', perturbation: 'noise', features: ['region'] }])).toMatch(/field features\[0\]: "region" is categorical, not numeric/);
    expect(await runError(tabular, [{ name: 'g', kind: 'inv', perturbation: 'category-swap', feature: 'region', groups: [['north', 'east']] }])).toMatch(/Test "g", field groups\[0\]\[1\]: "east" is not a category of region\. \| Categories: north, south/);
    expect(await runError(tabular, [{ name: 'd', kind: 'dir', feature: 'income', direction: 'increasing', output: 'P(yes)' }])).toMatch(/Test "d", field output: "P\(yes\)" names no class.*"P\(deny\)", "P\(approve\)"/);
    expect(await runError(tabular, [{ name: 'm', kind: 'mft', row: { income: 'lots' }, expected: 'approve' }])).toMatch(/Test "m", field row\.income: "lots" is not a number/);
    expect(await runError(tabular, [{ name: 'm', kind: 'mft', row: { region: 'east' }, expected: 'approve' }])).toMatch(/field row\.region: "east" is not a category of region/);
    expect(await runError(tabular, [{ name: 'm', kind: 'mft', row: {}, fill: { age: [1] }, expected: 'approve' }])).toMatch(/field fill\.age: "age" is not a feature/);
    expect(await runError(tabular, [{ name: 'm', kind: 'mft', row: {}, expected: 'maybe' }])).toMatch(/field expected: "maybe" is not a class of the model\. \| Classes: deny, approve/);
    expect(await runError(tabular, [{ name: 'b', kind: 'inv', perturbation: 'noise', features: ['income'], bounds: { age: [0, 1] } }])).toMatch(/field bounds\.age: "age" is not one of the test's features/);
  });

  it('refuses tests of the wrong kind of model', async () => {
    expect(await runError(tabular, [{ name: 't', kind: 'inv', perturbation: 'typo' }])).toMatch(/Test "t", field perturbation: typo applies to text models, but this model reads tabular rows/);
    expect(await runError(text, [{ name: 'n', kind: 'inv', perturbation: 'noise', features: ['x'] }])).toMatch(/Test "n", field perturbation: noise applies to tabular models/);
    expect(await runError(text, [{ name: 'd', kind: 'dir', feature: 'x', direction: 'increasing' }])).toMatch(/Test "d", field kind: DIR tests raise a numeric feature/);
    expect(await runError(text, [{ name: 'm', kind: 'mft', templates: ['Hi {who}'], expected: 'ham' }])).toMatch(/Test "m", field templates\[0\]: placeholder \{who\} has no values/);
  });
});

describe('the documented tests files', () => {
  it('the example in docs/robustness.md and the files in docs/examples/ are valid', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const docs = readFileSync(new URL('../../../docs/robustness.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('### The tests file'));
    const block = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    expect(parseTestFile(JSON.parse(block), 'docs/robustness.md').tests.length).toBeGreaterThan(5);
    const dir = new URL('../../../docs/examples/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('-tests.json'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) expect(parseTestFile(JSON.parse(readFileSync(new URL(f, dir), 'utf8')), f).tests.length).toBeGreaterThan(0);
  });
});
