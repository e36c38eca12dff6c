import { describe, expect, it } from 'vitest';
import type { RawMatrix } from '../../encode/encoder.js';
import { normalCdf } from '../../math/stats/normal.js';
import { fnModel } from '../../model/fn.js';
import type { Model } from '../../model/model.js';
import { Rng } from '../../rng.js';
import { numericFeatureStats } from './feature-stats.js';
import { runInvariance } from './run.js';
import { parseTestFile, type TestFile } from './test-file.js';
import type { SubjectFeature, TabularSubject, TextSubject } from './types.js';

const FEATURES: SubjectFeature[] = [
  { name: 'x0', type: 'numeric' },
  { name: 'x1', type: 'numeric' },
  { name: 'colour', type: 'categorical', categories: ['red', 'green', 'blue', 'black'] },
];

/** A binary function model on [x0, x1, colour]; `yes` is the positive class. */
function model(p: (x0: number, x1: number, colour: number) => number): Model {
  return fnModel({ inputWidth: 3, task: 'binary', classes: ['no', 'yes'], predict: (x, n) => Float32Array.from({ length: n }, (_, i) => p(x[i * 3]!, x[i * 3 + 1]!, x[i * 3 + 2]!)) });
}

function subject(m: Model, rows: RawMatrix, reference?: RawMatrix): TabularSubject {
  return {
    kind: 'tabular',
    task: m.task,
    classes: m.classes,
    outputWidth: m.outputWidth,
    features: FEATURES,
    rows,
    rowIds: Int32Array.from({ length: rows.nRows }, (_, i) => 1000 + i),
    ...(reference ? { reference } : {}),
    predict: (raw, options) => m.predict({ data: Float32Array.from(raw.data), shape: [raw.nRows, raw.nFeatures] }, options),
  };
}

/** n rows with x0 uniform on [lo, hi], x1 uniform on [0, 10], colour uniform. */
function rows(n: number, lo: number, hi: number, seed: number): RawMatrix {
  const rng = new Rng(seed);
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) data.set([lo + (hi - lo) * rng.next(), 10 * rng.next(), rng.int(4)], i * 3);
  return { data, nRows: n, nFeatures: 3 };
}

const file = (tests: unknown[]): TestFile => parseTestFile({ tests });
const threshold = model((x0) => (x0 > 0 ? 0.9 : 0.1));

describe('INV on tabular rows', () => {
  const audited = rows(3000, -1, 1, 1);
  const reference = rows(3000, -10, 10, 2);

  it('a model that ignores x1 has no violation under noise on x1', async () => {
    const report = await runInvariance(subject(threshold, audited, reference), { tests: file([{ name: 'x1', kind: 'inv', perturbation: 'noise', features: ['x1'], scale: 0.5 }]) });
    const t = report.tests[0]!;
    expect(t.n).toBe(3000);
    expect(t.violations).toBe(0);
    expect(t.violationRate).toBe(0);
    expect(t.interval!.method).toBe('wilson');
    expect(t.interval!.high).toBeGreaterThan(0);
  });

  it('a threshold on x0 flips at the closed-form rate 1 − (1 − Φ(−|x0|/σ))^samples', async () => {
    const samples = 2;
    const scale = 0.05;
    const sigma = scale * numericFeatureStats(reference, 0).spread;
    const report = await runInvariance(subject(threshold, audited, reference), { seed: 3, tests: file([{ name: 'x0', kind: 'inv', perturbation: 'noise', features: ['x0'], scale, samples }]) });
    let expected = 0;
    let variance = 0;
    for (let i = 0; i < audited.nRows; i++) {
      const p = 1 - (1 - normalCdf(-Math.abs(audited.data[i * 3]!) / sigma)) ** samples;
      expected += p;
      variance += p * (1 - p);
    }
    const t = report.tests[0]!;
    expect(t.n).toBe(3000);
    expect(Math.abs(t.violations - expected)).toBeLessThan(4 * Math.sqrt(variance));
    expect(t.violations).toBeGreaterThan(100);
    // the worst examples are flips near the threshold, original vs perturbed x0 on opposite sides
    for (const e of t.examples) {
      const before = (e.original as Record<string, number>)['x0']!;
      const after = (e.perturbed as Record<string, number>)['x0']!;
      expect(Math.sign(before)).toBe(-Math.sign(after));
      expect(e.before!.predicted).not.toBe(e.after.predicted);
      expect(e.change).toBeCloseTo(0.8, 5);
      expect(e.rowId).toBeGreaterThanOrEqual(1000);
    }
    expect(t.rows!.violated.reduce((a, b) => a + b, 0)).toBe(t.violations);
  });

  it('a probability tolerance forgives flips that move P(original class) by no more than it', async () => {
    const soft = model((x0) => 0.5 + 0.01 * Math.tanh(x0));
    const tests = file([
      { name: 'strict', kind: 'inv', perturbation: 'noise', features: ['x0'], scale: 0.05 },
      { name: 'tolerant', kind: 'inv', perturbation: 'noise', features: ['x0'], scale: 0.05, tolerance: 0.02 },
    ]);
    const report = await runInvariance(subject(soft, audited, reference), { tests });
    expect(report.tests[0]!.violations).toBeGreaterThan(0);
    expect(report.tests[1]!.violations).toBe(0);
  });

  it('category swaps: a model that treats red and green alike passes, one that separates them fails on exactly those rows', async () => {
    const alike = model((_x0, _x1, c) => (c <= 1 ? 0.8 : 0.2));
    const apart = model((_x0, _x1, c) => (c === 0 ? 0.8 : 0.2));
    const tests = file([{ name: 'warm', kind: 'inv', perturbation: 'category-swap', feature: 'colour', groups: [['red', 'green']] }]);
    const inGroup = Array.from({ length: audited.nRows }, (_, i) => audited.data[i * 3 + 2]!).filter((c) => c <= 1).length;
    const a = (await runInvariance(subject(alike, audited), { tests })).tests[0]!;
    const b = (await runInvariance(subject(apart, audited), { tests })).tests[0]!;
    expect(a.n).toBe(inGroup);
    expect(a.violations).toBe(0);
    expect(b.n).toBe(inGroup);
    expect(b.violations).toBe(inGroup);
    expect(b.examples[0]!.original).not.toEqual(b.examples[0]!.perturbed);
  });

  it('regression: a change counts when it exceeds the stated tolerance', async () => {
    const linear = fnModel({ inputWidth: 3, task: 'regression', predict: (x, n) => Float32Array.from({ length: n }, (_, i) => 2 * x[i * 3]!) });
    const s = subject(linear, audited, reference);
    const sigma = 0.05 * numericFeatureStats(reference, 0).spread;
    // |Δy| = 2σ|z| > 2σ  ⇔  |z| > 1, one copy per row: P = 2Φ(−1)
    const report = await runInvariance(s, { tests: file([{ name: 'x0', kind: 'inv', perturbation: 'noise', features: ['x0'], samples: 1, tolerance: 2 * sigma }]) });
    const t = report.tests[0]!;
    const p = 2 * normalCdf(-1);
    expect(t.tolerance).toBe(2 * sigma);
    expect(Math.abs(t.violations - p * t.n)).toBeLessThan(4 * Math.sqrt(t.n * p * (1 - p)));
  });
});

describe('DIR', () => {
  const audited = rows(2000, 0, 100, 4);
  const monotone = model((x0) => 1 / (1 + Math.exp(-(x0 - 50) / 10)));
  const peaked = model((x0) => Math.exp(-((x0 - 50) ** 2) / 400));

  it('a monotone model never violates an increasing constraint', async () => {
    const tests = file([{ name: 'up', kind: 'dir', feature: 'x0', direction: 'increasing', output: 'P(yes)' }]);
    const t = (await runInvariance(subject(monotone, audited), { tests })).tests[0]!;
    expect(t.violations).toBe(0);
    expect(t.n).toBeGreaterThan(1900);
  });

  it('a peaked model violates it exactly where a step of +1 passes the peak (x0 > 49.5)', async () => {
    const tests = file([{ name: 'up', kind: 'dir', feature: 'x0', direction: 'increasing', steps: [1] }]);
    const t = (await runInvariance(subject(peaked, audited), { tests })).tests[0]!;
    let beyond = 0;
    for (let i = 0; i < audited.nRows; i++) if (Math.fround(audited.data[i * 3]!) > 49.5) beyond++;
    expect(t.n).toBe(2000);
    expect(t.violations).toBe(beyond);
    const e = t.examples[0]!;
    expect((e.perturbed as Record<string, number>)['x0']).toBeGreaterThan((e.original as Record<string, number>)['x0']!);
    expect(e.after.score).toBeLessThan(e.before!.score);
    const down = file([{ name: 'down', kind: 'dir', feature: 'x0', direction: 'decreasing', steps: [1] }]);
    const d = (await runInvariance(subject(peaked, audited), { tests: down })).tests[0]!;
    expect(d.violations).toBe(2000 - beyond);
  });
});

/** A text classifier: spam when the text holds "free" (any case) or the name Mary. */
function textSubject(docs: string[], caseSensitive = false): TextSubject {
  const spam = (t: string): boolean => (caseSensitive ? /FREE/.test(t) : /free/i.test(t)) || /\bMary\b/.test(t);
  return {
    kind: 'text',
    task: 'binary',
    classes: ['ham', 'spam'],
    outputWidth: 2,
    documents: docs,
    rowIds: Int32Array.from(docs, (_, i) => i),
    predict: async (texts) => Float32Array.from(texts.flatMap((t) => (spam(t) ? [0.1, 0.9] : [0.9, 0.1]))),
  };
}

const DOCS = ['Get it FREE now!', 'free tickets for you.', 'Lunch with John in Paris?', "I don't know, it is fine.", 'Dinner at home'];

describe('INV and MFT on text', () => {
  it('a case-insensitive model passes case, punctuation and contractions; a case-sensitive one fails case on the "free" documents', async () => {
    const insensitive = await runInvariance(textSubject(DOCS), { tests: file([{ name: 'case', kind: 'inv', perturbation: 'case' }, { name: 'p', kind: 'inv', perturbation: 'punctuation' }, { name: 'c', kind: 'inv', perturbation: 'contractions' }]) });
    expect(insensitive.tests.map((t) => t.violations)).toEqual([0, 0, 0]);
    expect(insensitive.tests.map((t) => t.n)).toEqual([5, 5, 1]);
    const sensitive = await runInvariance(textSubject(DOCS, true), { tests: file([{ name: 'case', kind: 'inv', perturbation: 'case' }]) });
    const t = sensitive.tests[0]!;
    expect(t.violations).toBe(2);
    expect(t.examples.map((e) => e.rowId).sort()).toEqual([0, 1]);
  });

  it('name swaps reveal a model that keys on one name', async () => {
    const docs = ['Call Mary today', 'Call James today', 'Meeting with Linda'];
    const t = (await runInvariance(textSubject(docs), { tests: file([{ name: 'names', kind: 'inv', perturbation: 'names', samples: 20 }]) })).tests[0]!;
    // Mary's document flips with any other name; Linda's flips when Mary is drawn; James's never can
    expect(t.n).toBe(3);
    expect(t.rows!.violated[0]).toBe(1);
    expect(t.rows!.violated[1]).toBe(0);
  });

  it('MFT failure rate on templates equals the share of cases the model gets wrong', async () => {
    const tests = file([
      { name: 'offers', kind: 'mft', templates: ['Get {item} for free', 'FREE {item}!'], fill: { item: ['pills', 'money', 'tickets'] }, expected: 'spam' },
      { name: 'greetings', kind: 'mft', templates: ['Hello {first_name}, see you soon'], expected: 'ham' },
    ]);
    const report = await runInvariance(textSubject([]), { tests });
    const [offers, greetings] = report.tests;
    expect(offers!.n).toBe(6);
    expect(offers!.violations).toBe(0);
    expect(greetings!.n).toBe(40);
    expect(greetings!.violations).toBe(1);
    expect(greetings!.examples[0]!.perturbed).toBe('Hello Mary, see you soon');
    expect(greetings!.examples[0]!.rowId).toBeNull();
  });

  it('tabular MFT fills a row template and fills the rest with typical values', async () => {
    const audited = rows(500, -1, 1, 9);
    const tests = file([{ name: 'high x0 is yes', kind: 'mft', row: { colour: 'blue' }, fill: { x0: [-0.5, 0.5, 1, 2] }, expected: 'yes' }]);
    const t = (await runInvariance(subject(threshold, audited), { tests })).tests[0]!;
    expect(t.n).toBe(4);
    expect(t.violations).toBe(1);
    expect(t.examples[0]!.perturbed).toEqual({ colour: 'blue', x0: -0.5 });
  });
});

describe('determinism and defaults', () => {
  it('the same seed gives byte-identical results; the defaults test every numeric feature', async () => {
    const audited = rows(400, -1, 1, 11);
    const s = subject(threshold, audited, rows(400, -10, 10, 12));
    const a = await runInvariance(s, { seed: 5 });
    const b = await runInvariance(s, { seed: 5 });
    const c = await runInvariance(s, { seed: 6 });
    const json = (r: typeof a): string => JSON.stringify(r, (k, v: unknown) => (k === 'rows' && typeof v === 'object' ? undefined : v));
    expect(json(a)).toBe(json(b));
    expect(json(a)).not.toBe(json(c));
    // outputs already known (the scan's) give the same result
    const outputs = await s.predict(s.rows);
    expect(json(await runInvariance(s, { seed: 5, outputs }))).toBe(json(a));
    await expect(runInvariance(s, { outputs: outputs.subarray(2) })).rejects.toMatchObject({ code: 'shape_mismatch' });
    expect(a.tests.map((t) => t.name)).toEqual(['noise: x0', 'noise: x1']);
    const textDefaults = await runInvariance(textSubject(DOCS), { seed: 1 });
    expect(textDefaults.tests.map((t) => t.name)).toEqual(['typo', 'case', 'punctuation', 'contractions', 'synonyms', 'names', 'locations']);
  });

  it('is cancelled by its signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runInvariance(subject(threshold, rows(10, -1, 1, 1)), { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
