import { describe, expect, it } from 'vitest';
import type { Schema } from '../../data/schema.js';
import type { Column, Table } from '../../data/table.js';
import type { RawMatrix } from '../../encode/encoder.js';
import { pipeline } from '../../model/pipeline.js';
import { Rng } from '../../rng.js';
import { fnModel, tinyEncoder } from '../../../test/conformance/fixtures.js';
import type { ScanContext } from '../detector.js';
import { cleverHans } from './clever-hans.js';

const names = ['income', 'debt', 'region', 'closed_flag', 'row_number'];
const encoder = tinyEncoder([
  { name: 'income', type: 'numeric' },
  { name: 'debt', type: 'numeric' },
  { name: 'region', type: 'categorical', categories: ['n', 's', 'e'] },
  { name: 'closed_flag', type: 'numeric' },
  { name: 'row_number', type: 'numeric', std: 1000 },
]);
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Labels from income − debt; closed_flag copies the label in 95% of rows (a planted leak). */
function makeData(n: number, rng: Rng, offset: number, sorted = false): { raw: RawMatrix; labels: Float64Array } {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const income = rng.normal();
    const debt = rng.normal();
    const y = rng.next() < sigmoid(1.2 * (income - debt)) ? 1 : 0;
    labels.push(y);
    rows.push([income, debt, rng.int(3), rng.next() < 0.95 ? y : 1 - y, offset + i]);
  }
  if (sorted) {
    const order = labels.map((_, i) => i).sort((a, b) => labels[a]! - labels[b]!);
    return { raw: { data: Float64Array.from(order.flatMap((i, k) => [...rows[i]!.slice(0, 4), offset + k])), nRows: n, nFeatures: 5 }, labels: Float64Array.from(order, (i) => labels[i]!) };
  }
  return { raw: { data: Float64Array.from(rows.flat()), nRows: n, nFeatures: 5 }, labels: Float64Array.from(labels) };
}

function table(raw: RawMatrix, labels: Float64Array): Table {
  const columns: Column[] = names.map((name, j) => (j === 2 ? { kind: 'categorical', name, codes: Int32Array.from({ length: raw.nRows }, (_, i) => raw.data[i * 5 + j]!), categories: ['n', 's', 'e'] } : { kind: 'numeric', name, values: Float64Array.from({ length: raw.nRows }, (_, i) => raw.data[i * 5 + j]!) }));
  columns.push({ kind: 'categorical', name: 'y', codes: Int32Array.from(labels), categories: ['no', 'yes'] });
  return { nRows: raw.nRows, columns, rowIds: Int32Array.from({ length: raw.nRows }, (_, i) => i) };
}

async function context(model: (r: Float32Array) => number[], sorted = false): Promise<ScanContext> {
  const rng = new Rng(11);
  const train = makeData(1200, rng, 0, sorted);
  const test = makeData(600, rng, 1200, sorted);
  const pipe = pipeline(fnModel(encoder.outputWidth, 2, model), encoder);
  const schema: Schema = { features: names.map((name, j) => (j === 2 ? { name, type: 'categorical', categories: ['n', 's', 'e'] } : { name, type: 'numeric' })), target: { name: 'y', task: 'binary', classes: ['no', 'yes'] } };
  return {
    table: table(test.raw, test.labels),
    train: table(train.raw, train.labels),
    schema,
    model: pipe.model,
    pipeline: pipe,
    raw: test.raw,
    trainRaw: train.raw,
    outputs: await pipe.predictRaw(test.raw),
    labels: test.labels,
    classes: ['no', 'yes'],
    seed: 0,
    options: { confidence: 0.95, disparityThreshold: 0.1, ratioThreshold: 0.8 },
    progress: () => {},
  };
}

describe('clever-hans detector', () => {
  it('names a planted label leak the model relies on', async () => {
    const c = await context((r) => {
      const p = sigmoid(5 * (r[5]! - 0.5) + 0.3 * (r[0]! - r[1]!));
      return [1 - p, p];
    });
    const result = await cleverHans.run(c);
    const leak = result.findings.find((f) => f.id === 'clever-hans/closed_flag');
    expect(leak?.severity).toBe('high');
    expect(leak?.title).toMatch(/leak/);
    expect(result.findings.some((f) => f.id !== 'clever-hans/closed_flag' && f.severity === 'high')).toBe(false);
  });

  it('stays quiet for an honest model using the real signal', async () => {
    const c = await context((r) => {
      const p = sigmoid(1.2 * (r[0]! - r[1]!));
      return [1 - p, p];
    });
    const result = await cleverHans.run(c);
    expect(result.findings.filter((f) => f.severity !== 'low')).toEqual([]);
    expect(result.sections?.[0]?.blocks.length).toBe(2);
  });

  it('flags an id-like column that follows the row order', async () => {
    const c = await context((r) => {
      const id = r[6]! * 1000;
      const p = sigmoid(0.05 * (id - (id >= 1200 ? 1200 + 300 : 600)));
      return [1 - p, p];
    }, true);
    const result = await cleverHans.run(c);
    const id = result.findings.find((f) => f.id === 'clever-hans/row_number');
    expect(id?.title).toMatch(/id-like/);
  });
});

describe('clever-hans on the credit demo', () => {
  it('names the planted leak account_closed_flag', async () => {
    const { loadDemoInputs } = await import('../../cli/load-demo.js');
    const { scan } = await import('../scan.js');
    const inputs = await loadDemoInputs('credit', { seed: 0 });
    const results = await scan(inputs, { detectors: [cleverHans], seed: 0 });
    const truth = inputs.groundTruth as { leak: { feature: string } };
    const flagged = results.findings.filter((f) => f.severity === 'high').map((f) => (f.evidence as { feature: string }).feature);
    expect(flagged).toEqual([truth.leak.feature]);
  }, 60_000);
});
