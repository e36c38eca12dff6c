import { describe, expect, it } from 'vitest';
import type { Table } from '../../data/table.js';
import type { FeatureSpec } from '../../data/schema.js';
import { fitEncoder } from '../../encode/fit.js';
import { handEnsemble } from '../../../test/fixtures/trees/hand-trees.js';
import { treeModel } from '../../model/trees/tree-model.js';
import { chooseExplainMethod, runTreeShapCommand, treeShapOptionsFromFlags } from './explain-tree.js';

const features: FeatureSpec[] = [
  { name: 'x0', type: 'numeric' },
  { name: 'x1', type: 'numeric' },
];
const model = treeModel(handEnsemble([{ f: 0, t: 1, cover: 10, l: { leaf: -1, cover: 4 }, r: { f: 1, t: 2, cover: 6, l: { leaf: 0.5, cover: 3 }, r: { leaf: 2, cover: 3 } } }], 2, { link: 'logistic' }));
const table: Table = {
  nRows: 4,
  columns: [
    { kind: 'numeric', name: 'x0', values: Float64Array.of(0, 1, 2, 3) },
    { kind: 'numeric', name: 'x1', values: Float64Array.of(3, 1, 2, 0) },
  ],
  rowIds: Int32Array.of(10, 11, 12, 13),
};
const encoder = fitEncoder({ data: Float64Array.of(0, 3, 1, 1, 2, 2, 3, 0), nRows: 4, nFeatures: 2 }, features, { numeric: 'passthrough' });

describe('explain --method tree-shap helpers', () => {
  it('maps flags to options: probability implies interventional, bad values are named', () => {
    expect(treeShapOptionsFromFlags({})).toEqual({ output: 'margin', algorithm: 'path-dependent', interactions: false, threads: 'auto' });
    expect(treeShapOptionsFromFlags({ output: 'probability' }).algorithm).toBe('interventional');
    expect(() => treeShapOptionsFromFlags({ output: 'odds' })).toThrow(/--output must be one of margin, probability/);
    expect(() => treeShapOptionsFromFlags({ threads: 'many' })).toThrow(/--threads/);
  });

  it('chooses tree-shap for tree models and says why otherwise', () => {
    expect(chooseExplainMethod(model).method).toBe('tree-shap');
    const other = { task: 'binary', classes: ['0', '1'], inputSpec: { name: 'x', shape: [null, 2], dtype: 'float32' }, outputWidth: 2, predict: () => Promise.resolve(new Float32Array()) } as const;
    expect(chooseExplainMethod(other)).toMatchObject({ method: 'kernel-shap', reason: expect.stringContaining('no trees') });
  });

  it('produces the explainer JSON shape with interactions, row ids and report blocks', async () => {
    const run = await runTreeShapCommand({ model, encoder, table }, { interactions: true, threads: '1' });
    expect(run.json.shape).toEqual([4, 2]);
    expect(run.json.featureNames).toEqual(['x0', 'x1']);
    expect(run.json.rowIds).toEqual([10, 11, 12, 13]);
    expect((run.json.extras?.interactions as { shape: number[] }).shape).toEqual([4, 2, 2]);
    run.json.delta!.forEach((d) => expect(Math.abs(d)).toBeLessThan(1e-9));
    expect(run.blocks[0]!.kind).toBe('chart');
    const prob = await runTreeShapCommand({ model, encoder, table }, { output: 'probability', threads: '1', backgroundRows: '4' });
    prob.json.outputs.forEach((p) => expect(p).toBeGreaterThan(0));
    expect(prob.json.options).toMatchObject({ algorithm: 'interventional', output: 'probability' });
    const negative = await runTreeShapCommand({ model, encoder, table }, { output: 'probability', threads: '1', background: '4', target: '0' });
    negative.json.outputs.forEach((p, r) => expect(p).toBeCloseTo(1 - prob.json.outputs[r]!, 12));
    expect(negative.json.target).toEqual([0, 0, 0, 0]);
    await expect(runTreeShapCommand({ model, encoder, table }, { target: 'maybe' })).rejects.toThrow(/--target "maybe" is neither a class/);
    await expect(runTreeShapCommand({ model, encoder, table }, { output: 'probability', background: 'bg.csv' })).rejects.toThrow(/--background "bg.csv"/);
  });
});
