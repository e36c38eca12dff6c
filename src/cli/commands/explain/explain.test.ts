import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { germanDir, hasGermanCredit } from '../../../../test/conformance/german-credit.js';
import { runExplain } from './index.js';

describe.skipIf(!hasGermanCredit)('glassbox explain (german-credit MLP)', () => {
  const base = { model: resolve(germanDir, 'mlp.onnx'), data: resolve(germanDir, 'german_credit.csv'), schema: resolve(germanDir, 'schema.json'), preprocess: resolve(germanDir, 'preprocess.json') };

  it('prints the JSON shape of the issue for kernel-shap, efficient per row', async () => {
    const json = JSON.parse(await runExplain({ ...base, method: 'kernel-shap', rows: '0:8', samples: '300', background: '20', class: 'bad' })) as { method: string; featureNames: string[]; rowIds: number[]; values: number[][]; outputs: number[]; baseValues: number[]; stderr: number[][]; target: string[] };
    expect(json.method).toBe('kernel-shap');
    expect(json.featureNames.length).toBe(20);
    // --rows names data rows of the file (header excluded), whichever split they are in
    expect(json.rowIds).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(json.values.length).toBe(json.rowIds.length);
    expect(json.target).toEqual(json.rowIds.map(() => 'bad'));
    for (let r = 0; r < json.rowIds.length; r++) expect(Math.abs(json.values[r]!.reduce((a, b) => a + b, 0) - (json.outputs[r]! - json.baseValues[r]!))).toBeLessThan(1e-9);
    expect(json.stderr[0]!.length).toBe(20);
  });

  it('adds intercept, score and descriptions for lime; prints a table and html', async () => {
    const json = JSON.parse(await runExplain({ ...base, method: 'lime', rows: '0:1', samples: '500' })) as Record<string, unknown>;
    expect(json['intercept']).toHaveLength(1);
    expect(json['score']).toHaveLength(1);
    expect((json['descriptions'] as string[][])[0]).toHaveLength(20);
    const table = await runExplain({ ...base, method: 'exact-shapley', rows: '0:1', features: 'status_account,credit_amount,age', background: '10', format: 'table' });
    expect(table).toMatch(/status_account/);
    const html = await runExplain({ ...base, method: 'occlusion', rows: '0:3', background: '10', format: 'html' });
    expect(html).toMatch(/<svg/);
  });

  it('names bad flags', async () => {
    await expect(runExplain({ ...base, method: 'nope' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(runExplain({ ...base, method: 'kernel-shap', features: 'nope' })).rejects.toThrow(/--features/);
  });
});
