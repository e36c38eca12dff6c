import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

const HAS_REFERENCE = useReference('explain and importance on german-credit xgb.json', ['german-credit/exact_shapley_mlp.json', 'german-credit/schema.json', 'german-credit/xgb.json', 'german-credit/xgb_contribs.json', '../datasets/german_credit.csv']);

/** The CLI on a tree model: TreeSHAP is chosen by itself (and says why); tree importance matches xgboost. */
describe.skipIf(!HAS_REFERENCE)('explain and importance on german-credit xgb.json', () => {
  const inputs = ['--data', `${DATASETS_DIR}/german_credit.csv`, '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/xgb.json')];

  it('explain picks tree-shap, states why, and reproduces pred_contribs', async () => {
    const reference = JSON.parse(await readFile(referencePath('german-credit/xgb_contribs.json'), 'utf8')) as { contribs: number[][]; row_ids: number[] };
    // --rows names data rows of the file: rows 0..7 hold the reference's first test rows 0, 2, 5, 6 and 7
    const run = await runGlassbox(['explain', ...inputs, '--rows', '0:8', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { method: string; methodChoice: string; values: number[][]; baseValues: number[]; rowIds: number[] };
    expect(out.method).toBe('tree-shap');
    expect(out.methodChoice).toMatch(/tree ensemble/);
    expect(out.rowIds).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (let k = 0; k < 5; k++) {
      const r = out.rowIds.indexOf(reference.row_ids[k]!);
      const expected = reference.contribs[k]!;
      for (let j = 0; j < 20; j++) expect(Math.abs(out.values[r]![j]! - expected[j]!)).toBeLessThan(1e-5);
      expect(Math.abs(out.baseValues[r]! - expected[20]!)).toBeLessThan(1e-5);
    }
  });

  it('importance --method tree ranks features by gain as xgboost does', async () => {
    const reference = JSON.parse(await readFile(referencePath('german-credit/exact_shapley_mlp.json'), 'utf8')) as { xgb_gain_ranking: { feature: string; gain: number }[] };
    const run = await runGlassbox(['importance', ...inputs, '--method', 'tree', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { featureNames: string[]; gain: number[]; meanAbsShap: number[] };
    for (const row of reference.xgb_gain_ranking) {
      const j = out.featureNames.indexOf(row.feature);
      expect(Math.abs(out.gain[j]! - row.gain) / row.gain).toBeLessThan(1e-5);
    }
    expect(out.meanAbsShap.every((v) => v >= 0)).toBe(true);
  });
});
