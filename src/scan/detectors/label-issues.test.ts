import { describe, expect, it } from 'vitest';
import { fitEncoder } from '../../encode/fit.js';
import { pipeline } from '../../model/pipeline.js';
import { gaussianBlobs } from '../../../test/support/label-noise.js';
import { syntheticContext } from '../../../test/support/synthetic-scan.js';
import type { ScanContext } from '../detector.js';
import { labelIssues } from './label-issues.js';

/** 2 well-separated blobs in 2-D, 5 % of the labels flipped; columns x1, x2. */
const data = gaussianBlobs({ n: 800, d: 2, k: 2, minDistance: 5, seed: 21 });
const columns = [0, 1].map((j) => ({ name: `x${j + 1}`, values: Array.from({ length: data.n }, (_, i) => data.x[i * 2 + j]!) }));

function precisionRecall(rowIds: readonly number[]): { precision: number; recall: number } {
  const hits = rowIds.filter((r) => data.flipped[r] === 1).length;
  return { precision: hits / rowIds.length, recall: hits / data.flipped.reduce((s, v) => s + v, 0) };
}

describe('label-issues detector', () => {
  it("with a train/test split, reads the model's held-out probabilities and names the flipped rows", async () => {
    // a model that learned the clean concept: confident in the clean label
    const base = syntheticContext({ columns, labels: Array.from(data.noisy), predicted: Array.from(data.clean), confidence: Array.from({ length: data.n }, (_, i) => 0.9 + 0.09 * ((i * 7919) % 100) / 100) });
    const context: ScanContext = { ...base, train: base.table };
    expect(labelIssues.applies(context)).toBe(true);
    const result = await labelIssues.run(context);
    const data_ = result.data as { probabilities: { kind: string }; rowIds: number[]; inSample: boolean };
    expect(data_.probabilities.kind).toBe('model');
    expect(data_.inSample).toBe(false);
    const { precision, recall } = precisionRecall(data_.rowIds);
    expect(precision).toBeGreaterThanOrEqual(0.8);
    expect(recall).toBeGreaterThanOrEqual(0.8);
    const finding = result.findings[0]!;
    expect(finding.examples).toEqual(data_.rowIds.slice(0, 10));
    expect(finding.interval!.method).toBe(`wilson for ${finding.metric}`);
    expect(finding.interval!.low).toBeLessThanOrEqual(finding.value);
    expect(result.rows![finding.id]!.reduce((s, v) => s + v, 0)).toBe(data_.rowIds.length);
  });

  it('without a split, cross-fits a baseline on the encoded inputs instead of trusting possibly in-sample outputs', async () => {
    // outputs that memorised the noisy labels (what a model scored on its own training rows looks like)
    const base = syntheticContext({ columns, labels: Array.from(data.noisy), predicted: Array.from(data.noisy), confidence: new Array<number>(data.n).fill(0.99) });
    const features = base.schema.features.map((f) => ({ name: f.name, type: 'numeric' as const }));
    const raw = { data: Float64Array.from(data.x), nRows: data.n, nFeatures: 2 };
    const encoder = fitEncoder(raw, features);
    const model = { ...base.model, inputSpec: { name: 'x', shape: [-1, 2], dtype: 'float32' } } as ScanContext['model'];
    const context: ScanContext = { ...base, model, raw, pipeline: pipeline(model, encoder) };
    const result = await labelIssues.run(context);
    const data_ = result.data as { probabilities: { kind: string; folds: number }; rowIds: number[] };
    expect(data_.probabilities).toMatchObject({ kind: 'cross-fit', folds: 5 });
    const { precision, recall } = precisionRecall(data_.rowIds);
    expect(precision).toBeGreaterThanOrEqual(0.8);
    expect(recall).toBeGreaterThanOrEqual(0.8);
    // the same seed gives the same rows
    expect((((await labelIssues.run(context)).data) as { rowIds: number[] }).rowIds).toEqual(data_.rowIds);
  });

  it("trusts a cross-fitted model's own outputs, which are out-of-fold by construction", async () => {
    const base = syntheticContext({ columns, labels: Array.from(data.noisy), predicted: Array.from(data.clean), confidence: new Array<number>(data.n).fill(0.95) });
    const model = Object.assign(Object.create(null) as object, base.model, { folds: 5, fold: new Int32Array(data.n) }) as ScanContext['model'];
    const result = await labelIssues.run({ ...base, model });
    const data_ = result.data as { probabilities: { kind: string; description: string }; rowIds: number[] };
    expect(data_.probabilities.kind).toBe('model');
    expect(data_.probabilities.description).toMatch(/out-of-fold/);
    expect(precisionRecall(data_.rowIds).precision).toBeGreaterThanOrEqual(0.8);
  });

  it('says why it does not apply', () => {
    const base = syntheticContext({ columns, labels: Array.from(data.noisy), predicted: Array.from(data.clean), confidence: new Array<number>(data.n).fill(0.9) });
    expect(labelIssues.applies({ ...base, model: { ...base.model, task: 'regression' } as ScanContext['model'] })).toMatch(/regression task/);
    expect(labelIssues.applies({ ...base, labels: new Float64Array(data.n).fill(-1) })).toBe('the data has no labels');
    expect(labelIssues.applies({ ...base, labels: Float64Array.from(base.labels, (v, i) => (i < 10 ? v : -1)) })).toMatch(/only 10 labelled rows/);
  });
});
