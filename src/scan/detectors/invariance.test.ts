import { describe, expect, it } from 'vitest';
import type { Schema } from '../../data/schema.js';
import type { Column, Table } from '../../data/table.js';
import type { RawMatrix } from '../../encode/encoder.js';
import { pipeline } from '../../model/pipeline.js';
import { Rng } from '../../rng.js';
import { fnModel, tinyEncoder } from '../../../test/conformance/fixtures.js';
import type { ScanContext } from '../detector.js';
import { invarianceViolations } from './invariance.js';

const encoder = tinyEncoder([
  { name: 'x', type: 'numeric' },
  { name: 'z', type: 'numeric' },
  { name: 'group', type: 'categorical', categories: ['a', 'b'] },
]);

/** Rows with x ~ N(0, 1), z ~ N(0, 1); group b has x concentrated near 0 (where a threshold on x is brittle). */
function rows(n: number, rng: Rng): RawMatrix {
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const g = rng.int(2);
    data.set([g === 1 ? 0.05 * rng.normal() : rng.normal(), rng.normal(), g], i * 3);
  }
  return { data, nRows: n, nFeatures: 3 };
}

function table(raw: RawMatrix): Table {
  const col = (j: number): Float64Array => Float64Array.from({ length: raw.nRows }, (_, i) => raw.data[i * 3 + j]!);
  const columns: Column[] = [
    { kind: 'numeric', name: 'x', values: col(0) },
    { kind: 'numeric', name: 'z', values: col(1) },
    { kind: 'categorical', name: 'group', codes: Int32Array.from(col(2)), categories: ['a', 'b'] },
  ];
  return { nRows: raw.nRows, columns, rowIds: Int32Array.from({ length: raw.nRows }, (_, i) => 10 + i) };
}

async function context(): Promise<ScanContext> {
  const rng = new Rng(3);
  const train = rows(1500, rng);
  const test = rows(1200, rng);
  const pipe = pipeline(fnModel(encoder.outputWidth, 2, (r) => (r[0]! > 0 ? [0.2, 0.8] : [0.8, 0.2])), encoder);
  const schema: Schema = { features: [{ name: 'x', type: 'numeric' }, { name: 'z', type: 'numeric' }, { name: 'group', type: 'categorical', categories: ['a', 'b'] }] };
  return {
    table: table(test),
    train: table(train),
    schema,
    model: pipe.model,
    pipeline: pipe,
    raw: test,
    trainRaw: train,
    outputs: await pipe.predictRaw(test),
    labels: new Float64Array(test.nRows).fill(-1),
    classes: ['c0', 'c1'],
    seed: 0,
    options: { confidence: 0.95, disparityThreshold: 0.1, ratioThreshold: 0.8 },
    progress: () => {},
  };
}

describe('invariance detector', () => {
  it('reports noise on the feature a threshold model is brittle in, with the slice where flips concentrate, and not the ignored one', async () => {
    const c = await context();
    expect(invarianceViolations.applies(c)).toBe(true);
    const result = await invarianceViolations.run(c);
    expect(result.findings.map((f) => f.id)).toEqual(['invariance/noise: x']);
    const f = result.findings[0]!;
    expect(f.interval!.low).toBeGreaterThan(0.01);
    expect(f.interval!.method).toMatch(/^wilson/);
    expect(f.examples.every((id) => id >= 10 && id < 1210)).toBe(true);
    // flips concentrate where x is near the threshold 0: a narrow range around 0, or group b (whose x sits there)
    expect(f.evidence['topSlice']).toMatch(/^x in \[-0\.\d+, 0\.\d+\)|group == b/);
    const mask = result.rows!['invariance/noise: x']!;
    expect(mask.reduce((a, b) => a + b, 0)).toBe(f.evidence['violations']);
    const data = result.data as { tests: { name: string; violations: number }[] };
    expect(data.tests.find((t) => t.name === 'noise: z')!.violations).toBe(0);
  });

  it('says why it does not apply to images or inputs without an encoder', async () => {
    const c = await context();
    const images = { ...c, pipeline: undefined, x: { data: new Float32Array(4), shape: [1, 1, 2, 2] } } as unknown as ScanContext;
    expect(invarianceViolations.applies(images)).toMatch(/images/);
    const bare = { ...c, pipeline: undefined } as unknown as ScanContext;
    expect(invarianceViolations.applies(bare)).toMatch(/tabular data with an encoder, or a text model/);
  });
});
