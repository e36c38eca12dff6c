import { describe, expect, it } from 'vitest';
import type { Table } from '../../../data/table.js';
import type { FeatureSpec } from '../../../data/schema.js';
import { fitEncoder } from '../../../encode/fit.js';
import { handEnsemble } from '../../../../test/fixtures/trees/hand-trees.js';
import { treeModel } from '../../../model/trees/tree-model.js';
import type { ExplainFlags } from './flags.js';
import { tabularJob } from './inputs/tabular.js';
import { findMethod, tabularDefault, treeShapOptions } from './methods.js';
import { runJob } from './run.js';

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
const inputs = { model, encoder, table, schema: { features } };

interface TreeJson {
  method: string;
  options: Record<string, unknown>;
  featureNames: string[];
  rowIds: number[];
  target: string[];
  outputs: number[];
  values: number[][];
  delta: number[];
  interactions?: number[][][];
}

/** The explain pipeline on loaded tabular inputs: tree-shap (or the default method) with these flags. */
async function explainTrees(flags: ExplainFlags, format: 'json' | 'html' = 'json'): Promise<string> {
  const method = flags.method === undefined ? undefined : findMethod(flags.method, 'tabular', {});
  const job = await tabularJob(inputs, method, flags);
  return runJob(job, { format, heatmaps: 8 }, await job.method.create(flags));
}

describe('explain --method tree-shap', () => {
  it('maps flags to options: probability implies interventional, bad values are named', () => {
    expect(treeShapOptions({})).toEqual({ output: 'margin', algorithm: 'path-dependent', interactions: false, threads: 'auto' });
    expect(treeShapOptions({ output: 'probability' }).algorithm).toBe('interventional');
    expect(() => treeShapOptions({ output: 'odds' })).toThrow(/--output must be one of margin, probability/);
    expect(() => treeShapOptions({ threads: 'many' })).toThrow(/--threads/);
  });

  it('is the default for tree models, kernel-shap otherwise, and says why', async () => {
    expect(tabularDefault(true).method.name).toBe('tree-shap');
    expect(tabularDefault(false)).toMatchObject({ method: { name: 'kernel-shap' }, reason: expect.stringContaining('no trees') });
    const json = JSON.parse(await explainTrees({ threads: '1' })) as TreeJson & { methodChoice: string };
    expect(json.method).toBe('tree-shap');
    expect(json.methodChoice).toMatch(/tree ensemble/);
  });

  it('prints values, row ids, interactions as rows × M × M and complete rows; html holds its charts', async () => {
    const json = JSON.parse(await explainTrees({ method: 'tree-shap', interactions: true, threads: '1' })) as TreeJson;
    expect(json.featureNames).toEqual(['x0', 'x1']);
    expect(json.rowIds).toEqual([10, 11, 12, 13]);
    expect(json.values).toHaveLength(4);
    json.delta.forEach((d) => expect(Math.abs(d)).toBeLessThan(1e-9));
    // each row's interaction matrix sums to its values along rows (SHAP interaction values)
    json.interactions!.forEach((m, r) => m.forEach((row, i) => expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(json.values[r]![i]!, 9)));
    expect(await explainTrees({ method: 'tree-shap', threads: '1' }, 'html')).toMatch(/<svg/);
  });

  it('probability output: interventional over the first background rows; another target class gives 1 − p', async () => {
    const prob = JSON.parse(await explainTrees({ method: 'tree-shap', output: 'probability', threads: '1', backgroundRows: '4' })) as TreeJson;
    prob.outputs.forEach((p) => expect(p).toBeGreaterThan(0));
    expect(prob.options).toMatchObject({ algorithm: 'interventional', output: 'probability' });
    const negative = JSON.parse(await explainTrees({ method: 'tree-shap', output: 'probability', threads: '1', background: '4', class: '0' })) as TreeJson;
    negative.outputs.forEach((p, r) => expect(p).toBeCloseTo(1 - prob.outputs[r]!, 12));
    expect(negative.target).toEqual(Array(4).fill(model.classes[0]));
  });

  it('names bad flags', async () => {
    await expect(explainTrees({ method: 'tree-shap', class: 'maybe' })).rejects.toThrow(/--class "maybe" is neither a class/);
    await expect(explainTrees({ method: 'tree-shap', output: 'probability', backgroundRows: '0' })).rejects.toThrow(/--background-rows must be at least 1/);
    await expect(explainTrees({ method: 'tree-shap', output: 'probability', background: 'no-such-bg.csv' })).rejects.toThrow(/no-such-bg\.csv/);
  });
});
