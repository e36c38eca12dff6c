import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { syntheticContext, type SyntheticColumn } from '../../../test/support/synthetic-scan.js';
import { runScan } from '../run-scan.js';
import type { Detector, ScanContext } from '../detector.js';
import { miscalibration } from './miscalibration.js';
import { disparity } from './disparity.js';
import { imageAttributions } from './image-attributions.js';
import { protectedPerformance } from './protected-performance.js';
import { weakSlices } from './weak-slices.js';
import type { ScanResults } from '../../results/schema.js';

const scanWith = (context: ScanContext, detectors: Detector[]): Promise<ScanResults> =>
  runScan(context, { detectors, describe: { data: 'synthetic', model: 'synthetic' }, version: 'test' });

/**
 * income ≥ 0.9 (10% of rows): the model is over-confident (claims 0.95, right 70% of the time) and errs
 * twice as often; elsewhere it is calibrated (claims 0.85, right 85% of the time).
 */
function overConfidentSplit(seed: number, slice = { accuracy: 0.7, confidence: 0.95 }): ScanContext {
  const rng = new Rng(seed);
  const n = 4000;
  const income: number[] = [];
  const region: string[] = [];
  const labels: number[] = [];
  const predicted: number[] = [];
  const confidence: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.next();
    const inSlice = x >= 0.9;
    const y = rng.next() < 0.4 ? 1 : 0;
    const right = rng.next() < (inSlice ? slice.accuracy : 0.85);
    income.push(x);
    region.push(['n', 's', 'e'][rng.int(3)]!);
    labels.push(y);
    predicted.push(right ? y : 1 - y);
    confidence.push((inSlice ? slice.confidence : 0.85) + (rng.next() - 0.5) * 0.04);
  }
  const columns: SyntheticColumn[] = [{ name: 'income', values: income }, { name: 'region', categories: ['n', 's', 'e'], values: region }];
  return syntheticContext({ columns, labels, predicted, confidence });
}

describe('the miscalibration detector reports only slices miscalibrated on their own terms', () => {
  it('does not call the complement of an over-confident slice under-confident', async () => {
    const result = await miscalibration.run(overConfidentSplit(1));
    const under = result.findings.filter((f) => f.detector === 'miscalibration/under');
    expect(under.map((f) => `${f.title}: ${f.value} [${f.interval?.low}, ${f.interval?.high}]`)).toEqual([]);
    const over = result.findings.filter((f) => f.detector === 'miscalibration/over');
    expect(over.length).toBeGreaterThan(0);
    for (const f of over) expect(f.interval!.low).toBeGreaterThanOrEqual(0.05);
    // every over-confident slice covers rows of income ≥ 0.9 and carries its rows for grouping
    for (const f of over) expect(result.rows![f.id]!.reduce((a, b) => a + b, 0)).toBe(f.evidence['n']);
  });

  it('prints no empty slice table and no finding when nothing is miscalibrated', async () => {
    const result = await miscalibration.run(overConfidentSplit(1, { accuracy: 0.85, confidence: 0.85 }));
    expect(result.findings).toEqual([]);
    const blocks = result.sections!.flatMap((s) => s.blocks);
    expect(blocks.filter((b) => b.kind === 'table' && /slices/i.test(b.caption ?? ''))).toEqual([]);
    expect(JSON.stringify(blocks)).toMatch(/No slice is over- or under-confident/);
    expect(JSON.stringify(blocks)).toMatch(/Neither holds/);
  });
});

describe('findings about the same rows are one finding', () => {
  it('groups the weak slice and the over-confident slice on income ≥ 0.9, metrics side by side', async () => {
    const results = await scanWith(overConfidentSplit(2), [weakSlices, miscalibration]);
    const aboutSplit = results.findings.filter((f) => JSON.stringify(f.slice ?? []).includes('income'));
    expect(aboutSplit, aboutSplit.map((f) => f.title).join('\n')).toHaveLength(1);
    const [finding] = aboutSplit;
    const detectors = [finding!.detector, ...(finding!.related ?? []).map((r) => r.detector)];
    expect(detectors).toContain('weak-slices');
    expect(detectors).toContain('miscalibration/over');
    expect(finding!.related!.every((r) => r.relation === 'same-rows' && r.interval && r.interval.low <= r.value! && r.value! <= r.interval.high)).toBe(true);
    expect(results.summary.findings).toBe(results.findings.length);
  });
});

/** Protected sex and age; selection rates per (sex, age) cell; labels independent of the cells. */
function selectionContext(rates: Record<string, number>, seed: number, perCell = 800): ScanContext {
  const rng = new Rng(seed);
  const sex: string[] = [];
  const age: string[] = [];
  const labels: number[] = [];
  const predicted: number[] = [];
  for (const [cell, rate] of Object.entries(rates)) {
    const [s, a] = cell.split('|') as [string, string];
    for (let i = 0; i < perCell; i++) {
      sex.push(s);
      age.push(a);
      labels.push(rng.next() < 0.3 ? 1 : 0);
      predicted.push(rng.next() < rate ? 1 : 0);
    }
  }
  const columns: SyntheticColumn[] = [{ name: 'sex', categories: ['F', 'M'], values: sex }, { name: 'age', categories: ['<25', '>=25'], values: age }];
  return syntheticContext({ columns, labels, predicted, confidence: predicted.map(() => 0.8), protectedColumns: ['sex', 'age'] });
}

describe('disparity intervals and intersections', () => {
  it('puts an interval around the reported difference: Newcombe for two groups, a stratified bootstrap for more', async () => {
    const result = await disparity.run(selectionContext({ 'F|<25': 0.1, 'F|>=25': 0.3, 'M|<25': 0.12, 'M|>=25': 0.5 }, 3));
    const byId = new Map(result.findings.flatMap((f) => [f, ...(f.related ?? [])]).map((f) => [f.id, f]));
    const sex = byId.get('disparity/sex')!;
    expect(sex.interval!.method).toMatch(/^newcombe-hybrid-score for demographic_parity_difference/);
    const both = byId.get('disparity/sex_x_age')!;
    expect(both.interval!.method).toMatch(/^stratified-bootstrap-bc for demographic_parity_difference/);
    for (const f of byId.values()) {
      expect(f.interval!.low).toBeLessThanOrEqual(f.value!);
      expect(f.value!).toBeLessThanOrEqual(f.interval!.high);
    }
  });

  it('nests an intersection that only restates its parent (young people are rarely selected, whatever their sex)', async () => {
    const result = await disparity.run(selectionContext({ 'F|<25': 0.01, 'F|>=25': 0.3, 'M|<25': 0.01, 'M|>=25': 0.5 }, 4));
    const ids = result.findings.map((f) => f.id);
    expect(ids).toContain('disparity/age');
    expect(ids).not.toContain('disparity/sex_x_age');
    const parent = result.findings.find((f) => f.id === 'disparity/age')!;
    const nested = parent.related?.find((r) => r.id === 'disparity/sex_x_age');
    expect(nested?.relation).toBe('intersection');
    expect(nested?.reason).toMatch(/rest of age = <25/);
  });

  it('keeps an intersection as its own finding when its worst cell is worse than each parent group', async () => {
    const result = await disparity.run(selectionContext({ 'F|<25': 0.05, 'F|>=25': 0.4, 'M|<25': 0.4, 'M|>=25': 0.4 }, 5));
    expect(result.findings.map((f) => f.id)).toContain('disparity/sex_x_age');
  });
});

describe('accuracy gaps driven by base rates say so', () => {
  /** Under-25s are almost all negative and the model predicts negative for all of them. */
  function baseRateContext(seed: number): ScanContext {
    const rng = new Rng(seed);
    const age: string[] = [];
    const labels: number[] = [];
    const predicted: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const young = i < 1000;
      const y = rng.next() < (young ? 0.03 : 0.4) ? 1 : 0;
      age.push(young ? '<25' : '>=25');
      labels.push(y);
      predicted.push(young ? 0 : rng.next() < (y ? 0.7 : 0.1) ? 1 : 0);
    }
    return syntheticContext({ columns: [{ name: 'age', categories: ['<25', '>=25'], values: age }], labels, predicted, confidence: predicted.map(() => 0.8), protectedColumns: ['age'] });
  }

  it('reports balanced accuracy beside accuracy and lowers the severity when the gap reverses under it', async () => {
    const result = await protectedPerformance.run(baseRateContext(6));
    const older = result.findings.find((f) => f.id === 'protected-performance/age=>=25')!;
    expect(older).toBeDefined();
    expect(older.title).toMatch(/base rates/);
    expect(older.severity).toBe('info');
    expect(older.evidence['drivenByBaseRates']).toBe(true);
    expect(older.evidence['balancedAccuracy'] as number).toBeGreaterThan(older.evidence['restBalancedAccuracy'] as number);
    const gap = older.evidence['balancedAccuracyGapInterval'] as { low: number; high: number };
    expect(gap.low).toBeLessThanOrEqual(older.evidence['balancedAccuracyGap'] as number);
    expect(older.summary).toMatch(/balanced accuracy/);
  });
});

describe('a weak slice whose extra errors come from its base rate says so', () => {
  it('lowers the severity when the slice is served as well as the rest once each class counts equally', async () => {
    const rng = new Rng(8);
    const married: string[] = [];
    const labels: number[] = [];
    const predicted: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const m = rng.next() < 0.4;
      const y = rng.next() < (m ? 0.5 : 0.05) ? 1 : 0;
      married.push(m ? 'yes' : 'no');
      labels.push(y);
      predicted.push(rng.next() < (y ? 0.6 : 0.95) ? y : 1 - y);
    }
    const context = syntheticContext({ columns: [{ name: 'married', categories: ['no', 'yes'], values: married }], labels, predicted, confidence: predicted.map(() => 0.8) });
    const result = await weakSlices.run(context);
    const slice = result.findings.find((f) => f.title.includes('married == yes'));
    expect(slice, result.findings.map((f) => f.title).join('\n')).toBeDefined();
    expect(slice!.title).toMatch(/explained by base rates/);
    expect(slice!.severity).toBe('low');
    expect(slice!.evidence['drivenByBaseRates']).toBe(true);
  });
});

describe('detectors that do not apply say why, once', () => {
  it('image attributions on tabular data; calibration on images measures everything but slices, and says why', async () => {
    const tabular = { ...overConfidentSplit(7), pipeline: {} as never };
    expect(imageAttributions.applies(tabular)).toMatch(/tabular/);
    const images = { ...overConfidentSplit(7), schema: { features: [], target: { name: 'y', task: 'binary' as const, classes: ['no', 'yes'] } } };
    expect(miscalibration.applies(images)).toBe(true);
    const result = await miscalibration.run(images);
    expect(JSON.stringify(result.sections)).toMatch(/Slices\.\*\* Not searched: the input is images or text, so there are no tabular columns to slice on/);
    expect(result.findings.filter((f) => f.detector === 'miscalibration/over' || f.detector === 'miscalibration/under')).toEqual([]);
    const unlabelled = { ...overConfidentSplit(7), labels: new Float64Array(4000).fill(-1) };
    expect(miscalibration.applies(unlabelled)).toMatch(/no labels/);
  });
});
