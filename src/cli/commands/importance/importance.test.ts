import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { germanDir, hasGermanCredit } from '../../../../test/conformance/german-credit.js';
import { runImportance } from './run.js';

describe.skipIf(!hasGermanCredit)('glassbox importance (german-credit MLP)', () => {
  const base = { model: resolve(germanDir, 'mlp.onnx'), data: resolve(germanDir, 'german_credit.csv'), schema: resolve(germanDir, 'schema.json'), preprocess: resolve(germanDir, 'preprocess.json') };

  it('ranks features by permutation importance with std, and builds surrogate rules and PDP charts', async () => {
    const p = JSON.parse(await runImportance({ ...base, method: 'permutation', repeats: '2', metric: 'roc_auc' })) as { featureNames: string[]; importances: number[]; std: number[]; baseline: number };
    expect(p.featureNames).toHaveLength(20);
    expect(p.baseline).toBeGreaterThan(0.7);
    const top = p.featureNames[p.importances.indexOf(Math.max(...p.importances))];
    expect(top).toBe('status_account');
    const tree = JSON.parse(await runImportance({ ...base, method: 'surrogate', depth: '2' })) as { fidelity: number; rules: string[] };
    expect(tree.fidelity).toBeGreaterThan(0.7);
    expect(tree.rules.length).toBeGreaterThan(1);
    const html = await runImportance({ ...base, method: 'pdp', features: 'age,status_account', format: 'html' });
    expect(html.match(/<svg/g)?.length).toBe(2);
  });
});
