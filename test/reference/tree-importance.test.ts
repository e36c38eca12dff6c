import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { treeShap } from '../../src/explain/tree-shap.js';
import { rankFeatures, treeImportance } from '../../src/global/tree-importance.js';
import { loadTreeModel } from '../../src/model/trees/load.js';
import { referencePath, useReference } from '../support/reference.js';

const dir = referencePath('german-credit');
const present = useReference('tree importance reference tests', ['xgb.json', 'exact_shapley_mlp.json', 'xgb_encoded_test.json'].map((f) => `german-credit/${f}`));

interface GainRow {
  feature: string;
  gain: number;
  total_gain: number;
}

describe.skipIf(!present)("tree importance vs xgboost get_score on german-credit/xgb.json", () => {
  it("'gain' (average per split) and 'total_gain' match xgboost, and so does the ranking", async () => {
    const model = await loadTreeModel(resolve(dir, 'xgb.json'));
    const ranking = (JSON.parse(readFileSync(resolve(dir, 'exact_shapley_mlp.json'), 'utf8')) as { xgb_gain_ranking: GainRow[] }).xgb_gain_ranking;
    const imp = treeImportance(model.treeEnsemble());
    for (const row of ranking) {
      const j = imp.featureNames.indexOf(row.feature);
      expect(j).toBeGreaterThanOrEqual(0);
      // xgboost sums float32 gains in float32: relative agreement to ~1e-6
      expect(imp.gain[j]).toBeCloseTo(row.gain, 4);
      expect(imp.totalGain[j]).toBeCloseTo(row.total_gain, 3);
      expect(imp.totalGain[j]! / imp.splitCount[j]!).toBeCloseTo(imp.gain[j]!, 12);
    }
    const ours = rankFeatures(imp, 'gain').map((j) => imp.featureNames[j]).filter((name) => ranking.some((r) => r.feature === name));
    expect(ours).toEqual(ranking.map((r) => r.feature));
  });

  it('mean |SHAP| from tree-shap values is the column mean of |φ|', async () => {
    const model = await loadTreeModel(resolve(dir, 'xgb.json'));
    const X = (JSON.parse(readFileSync(resolve(dir, 'xgb_encoded_test.json'), 'utf8')) as { X: number[][] }).X.slice(0, 40);
    const a = await treeShap({ threads: 1 }).explain(model, { data: Float32Array.from(X.flat()), shape: [40, 20] });
    const imp = treeImportance(model.treeEnsemble(), a);
    let manual = 0;
    for (let r = 0; r < 40; r++) manual += Math.abs(a.values[r * 20]!);
    expect(imp.meanAbsShap![0]).toBeCloseTo(manual / 40, 12);
    expect(() => treeImportance(model.treeEnsemble(), { values: new Float64Array(3), shape: [1, 3] })).toThrow(/3 columns but the model has 20/);
  });
});
