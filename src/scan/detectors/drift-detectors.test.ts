import { describe, expect, it } from 'vitest';
import type { Schema } from '../../data/schema.js';
import type { Column, Table } from '../../data/table.js';
import type { RawMatrix } from '../../encode/encoder.js';
import { pipeline } from '../../model/pipeline.js';
import { Rng } from '../../rng.js';
import { fnModel, tinyEncoder } from '../../../test/conformance/fixtures.js';
import type { ScanContext } from '../detector.js';
import { dataDrift } from './data-drift.js';
import { worstDomain } from './worst-domain.js';

const encoder = tinyEncoder([
  { name: 'income', type: 'numeric' },
  { name: 'debt', type: 'numeric' },
]);
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const regions = ['north', 'south', 'east'];

/** income, debt ~ N(0,1) (+ shift on income); labels from income − debt, except in region "east" where they are coin flips. */
function rows(n: number, rng: Rng, incomeShift: number): { raw: RawMatrix; table: Table; labels: Float64Array } {
  const data = new Float64Array(n * 2);
  const labels = new Float64Array(n);
  const region = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = rng.normal() + incomeShift;
    data[2 * i + 1] = rng.normal();
    region[i] = rng.int(3);
    const p = region[i] === 2 ? 0.5 : sigmoid(4 * (data[2 * i]! - incomeShift - data[2 * i + 1]!));
    labels[i] = rng.next() < p ? 1 : 0;
  }
  const columns: Column[] = [
    { kind: 'numeric', name: 'income', values: Float64Array.from({ length: n }, (_, i) => data[2 * i]!) },
    { kind: 'numeric', name: 'debt', values: Float64Array.from({ length: n }, (_, i) => data[2 * i + 1]!) },
    { kind: 'categorical', name: 'region', codes: region, categories: regions },
  ];
  return { raw: { data, nRows: n, nFeatures: 2 }, table: { nRows: n, columns, rowIds: Int32Array.from({ length: n }, (_, i) => i) }, labels };
}

async function context(incomeShift: number, options: { split?: boolean; domain?: string } = {}): Promise<ScanContext> {
  const rng = new Rng(5);
  const train = rows(1500, rng, 0);
  const test = rows(900, rng, incomeShift);
  const pipe = pipeline(fnModel(encoder.outputWidth, 2, (r) => {
    const p = sigmoid(4 * (r[0]! - r[1]!));
    return [1 - p, p];
  }), encoder);
  const schema: Schema = { features: [{ name: 'income', type: 'numeric' }, { name: 'debt', type: 'numeric' }], target: { name: 'y', task: 'binary', classes: ['c0', 'c1'] }, metadata: ['region'] };
  return {
    table: test.table,
    ...(options.split === false ? {} : { train: train.table, trainRaw: train.raw }),
    schema,
    model: pipe.model,
    pipeline: pipe,
    raw: test.raw,
    outputs: await pipe.predictRaw(test.raw),
    labels: test.labels,
    classes: ['c0', 'c1'],
    seed: 0,
    options: { confidence: 0.95, disparityThreshold: 0.1, ratioThreshold: 0.8, ...(options.domain ? { domain: options.domain } : {}) },
    progress: () => {},
  };
}

describe('data-drift detector', () => {
  it('reports the shifted feature with its effect sizes, a histogram and prediction drift', async () => {
    const result = await dataDrift.run(await context(0.6));
    expect(result.findings.map((f) => f.id)).toEqual(['data-drift/income']);
    const f = result.findings[0]!;
    expect(f.evidence.qValue as number).toBeLessThan(0.05);
    expect(f.severity).not.toBe('info'); // PSI of a 0.6 σ shift is above 0.1
    const blocks = result.sections![0]!.blocks;
    expect(blocks.some((b) => b.kind === 'chart')).toBe(true);
    expect((result.data as { prediction: { scores: { drift: boolean }[] } }).prediction.scores[0]!.drift).toBe(true);
  });

  it('stays quiet when training and audited rows come from one distribution, and says why it skips without a split', async () => {
    expect((await dataDrift.run(await context(0))).findings).toEqual([]);
    expect(dataDrift.applies(await context(0, { split: false }))).toMatch(/no train\/test split/);
  });
});

describe('worst-domain detector', () => {
  it('finds the region where labels are noise and gives its gap to the pooled accuracy', async () => {
    const c = await context(0, { domain: 'region' });
    expect(worstDomain.applies(c)).toBe(true);
    const result = await worstDomain.run(c);
    expect(result.findings.map((f) => f.id)).toEqual(['worst-domain/region=east']);
    const f = result.findings[0]!;
    expect(f.value).toBeLessThan(0.65);
    expect(f.slice).toEqual([{ feature: 'region', op: '==', value: 'east' }]);
    const mask = result.rows!['worst-domain/region=east']!;
    expect(mask.reduce((s, x) => s + x, 0)).toBe(f.evidence.n);
  });

  it('does not apply without --domain, or with a column the data lacks', async () => {
    expect(worstDomain.applies(await context(0))).toMatch(/--domain/);
    expect(worstDomain.applies(await context(0, { domain: 'nope' }))).toMatch(/not a column/);
  });
});
