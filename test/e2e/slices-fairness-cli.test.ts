import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

interface GroupRow { group: string; n: number; tp: number; fp: number; tn: number; fn: number; selectionRate: number; tpr: number; fpr: number }
interface FairnessJson {
  overall: GroupRow;
  groupTables: { name: string; rows: GroupRow[] }[];
  summaries: { grouping: string; demographic_parity_difference: number; demographic_parity_ratio: number; equalized_odds_difference: number }[];
}

/**
 * `glassbox fairness` and `glassbox slices` on german-credit with xgb.json: the CLI's numbers must be the
 * reference's (fairness.json: counts exact, rates within 1e-12).
 */
const HAS_REFERENCE = useReference('glassbox fairness and slices on german-credit (xgb.json)', ['german-credit/fairness.json', 'german-credit/schema.json', 'german-credit/xgb.json', '../datasets/german_credit.csv']);

describe.skipIf(!HAS_REFERENCE)('glassbox fairness and slices on german-credit (xgb.json)', () => {
  const inputs = ['--data', `${DATASETS_DIR}/german_credit.csv`, '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/xgb.json')];

  it('fairness --format json reproduces fairness.json', async () => {
    const reference = JSON.parse(await readFile(referencePath('german-credit/fairness.json'), 'utf8')) as {
      groupings: Record<string, { per_group: Record<string, { n: number; TP: number; FP: number; TN: number; FN: number; selection_rate: number; TPR: number; FPR: number }>; summary: Record<string, number> }>;
    };
    const run = await runGlassbox(['fairness', ...inputs, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as FairnessJson;
    expect(out.overall.n).toBe(257);
    // the schema names the age attribute "age"; the reference calls its grouping "age_bucket"
    const ourName: Record<string, string> = { sex: 'sex', age_bucket: 'age', sex_x_age_bucket: 'sex_x_age' };
    let compared = 0;
    for (const [name, grouping] of Object.entries(reference.groupings)) {
      const rows = out.groupTables.find((t) => t.name === ourName[name])?.rows ?? [];
      for (const [group, expected] of Object.entries(grouping.per_group)) {
        const row = rows.find((r) => r.group === group);
        expect(row, `${name}: ${group}`).toBeDefined();
        if (!row) continue;
        compared++;
        expect([row.n, row.tp, row.fp, row.tn, row.fn]).toEqual([expected.n, expected.TP, expected.FP, expected.TN, expected.FN]);
        expect(Math.abs(row.selectionRate - expected.selection_rate)).toBeLessThan(1e-12);
        expect(Math.abs(row.tpr - expected.TPR)).toBeLessThan(1e-12);
      }
    }
    expect(compared).toBe(8);
    const sex = out.summaries.find((s) => s.grouping === 'sex')!;
    expect(Math.abs(sex.demographic_parity_difference - reference.groupings.sex!.summary.demographic_parity_difference!)).toBeLessThan(1e-12);
    expect(Math.abs(sex.equalized_odds_difference - reference.groupings.sex!.summary.equalized_odds_difference!)).toBeLessThan(1e-12);
  });

  it('fairness --mitigate threshold reports before and after', async () => {
    const run = await runGlassbox(['fairness', ...inputs, '--protected', 'sex', '--mitigate', 'threshold', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { mitigation: { before: unknown; after: unknown; policy: unknown } | null };
    expect(out.mitigation).not.toBeNull();
    expect(out.mitigation!.before).toBeDefined();
    expect(out.mitigation!.after).toBeDefined();
  });

  it('slices --format json lists slices as predicates with metrics and q-values', async () => {
    const run = await runGlassbox(['slices', ...inputs, '--format', 'json', '--max-order', '2']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { slices: { predicates: { feature: string; op: string; value: unknown }[]; n: number; qValue: number; pValue: number }[] };
    expect(Array.isArray(out.slices)).toBe(true);
    for (const slice of out.slices) {
      expect(slice.predicates.length).toBeGreaterThanOrEqual(1);
      expect(slice.predicates.length).toBeLessThanOrEqual(2);
      for (const p of slice.predicates) expect(typeof p.feature).toBe('string');
      expect(slice.qValue).toBeLessThanOrEqual(0.05);
      expect(slice.pValue).toBeLessThanOrEqual(slice.qValue + 1e-12);
    }
  });
});
