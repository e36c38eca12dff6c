import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Table } from '../../src/data/table.js';
import { disaggregate } from '../../src/slice/disaggregate.js';
import type { GroupRow } from '../../src/slice/disaggregate.js';
import { groupByProtected } from '../../src/slice/groupings.js';
import { outcomesFromScores } from '../../src/slice/outcomes.js';
import { fairnessSummary } from '../../src/fairness/group-metrics.js';
import { parseCsv } from '../support/csv.js';
import { referencePath, useReference } from '../support/reference.js';

const dir = referencePath('german-credit');
const present = useReference('fairness reference tests', ['fairness.json', 'schema.json', 'german_credit.csv'].map((f) => `german-credit/${f}`));

interface RefGroup {
  n: number; TP: number; FP: number; TN: number; FN: number; n_positive_label: number; n_negative_label: number;
  accuracy: number | null; error_rate: number | null; PPV: number | null; TPR: number | null; FPR: number | null; FNR: number | null; selection_rate: number | null;
}
interface RefGrouping {
  groups: string[];
  per_group: Record<string, RefGroup>;
  summary: { demographic_parity_difference: number; demographic_parity_ratio: number; tpr_difference: number; fpr_difference: number; equalized_odds_difference: number };
}
interface RefFairness { threshold: number; overall: RefGroup; groupings: Record<string, RefGrouping>; row_ids: number[]; scores: number[]; labels: number[] }


function load(): { ref: RefFairness; table: Table; schema: { protected_attributes: { name: string; mapping?: Record<string, string> }[] } } {
  const ref = JSON.parse(readFileSync(resolve(dir, 'fairness.json'), 'utf8')) as RefFairness;
  const schema = JSON.parse(readFileSync(resolve(dir, 'schema.json'), 'utf8'));
  const [header, ...rows] = parseCsv(readFileSync(resolve(dir, 'german_credit.csv'), 'utf8'));
  const sexCol = header!.indexOf('status_and_sex');
  const ageCol = header!.indexOf('age');
  const categories = (schema.features as { name: string; categories?: string[] }[]).find((f) => f.name === 'status_and_sex')!.categories!;
  const picked = ref.row_ids.map((id) => rows[id]!);
  const table: Table = {
    nRows: picked.length,
    rowIds: Int32Array.from(ref.row_ids),
    columns: [
      { kind: 'categorical', name: 'status_and_sex', categories, codes: Int32Array.from(picked, (r) => categories.indexOf(r[sexCol]!)) },
      { kind: 'numeric', name: 'age', values: Float64Array.from(picked, (r) => Number(r[ageCol])) },
    ],
  };
  return { ref, table, schema };
}

const RATE_MAP: [keyof RefGroup, keyof GroupRow][] = [
  ['accuracy', 'accuracy'], ['error_rate', 'errorRate'], ['PPV', 'ppv'], ['TPR', 'tpr'], ['FPR', 'fpr'], ['FNR', 'fnr'], ['selection_rate', 'selectionRate'],
];

function expectGroup(ours: GroupRow, theirs: RefGroup): void {
  expect([ours.n, ours.tp, ours.fp, ours.tn, ours.fn, ours.nPositiveLabel, ours.nNegativeLabel]).toEqual([theirs.n, theirs.TP, theirs.FP, theirs.TN, theirs.FN, theirs.n_positive_label, theirs.n_negative_label]);
  for (const [r, o] of RATE_MAP) {
    const expected = theirs[r] as number | null;
    const actual = ours[o] as number | null;
    if (expected === null) expect(actual).toBeNull();
    else expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-12);
  }
}

describe.skipIf(!present)('german-credit fairness.json (xgb scores, threshold 0.5)', () => {
  it('per-group counts equal exactly and rates agree within 1e-12, for sex, age bucket and their intersection', async () => {
    const { ref, table, schema } = load();
    const sexSpec = schema.protected_attributes.find((p) => p.name === 'sex')!;
    const sex = groupByProtected(table, { name: 'sex', column: 'status_and_sex', mapping: sexSpec.mapping! });
    const age = groupByProtected(table, { name: 'age_bucket', column: 'age', edges: [25], labels: ['<25', '>=25'] });
    const outcomes = outcomesFromScores(ref.labels, ref.scores, { threshold: ref.threshold });
    const result = await disaggregate([sex, age], outcomes, { maxOrder: 2, bootstrapIterations: 200, seed: 0 });
    expectGroup(result.overall, ref.overall);
    const byName = new Map(result.tables.map((t) => [t.name, t]));
    let compared = 0;
    for (const [name, grouping] of Object.entries(ref.groupings)) {
      const table2 = byName.get(name)!;
      expect(table2.rows.map((r) => r.group)).toEqual(grouping.groups);
      for (const row of table2.rows) {
        expectGroup(row, grouping.per_group[row.group]!);
        compared++;
      }
    }
    expect(compared).toBe(8);
    console.log(`fairness.json: ${compared} groups + overall: counts exact, rates within 1e-12`);
  });

  it('fairness summaries (demographic parity, TPR/FPR differences, equalized odds) agree within 1e-12', async () => {
    const { ref, table, schema } = load();
    const sexSpec = schema.protected_attributes.find((p) => p.name === 'sex')!;
    const sex = groupByProtected(table, { name: 'sex', column: 'status_and_sex', mapping: sexSpec.mapping! });
    const age = groupByProtected(table, { name: 'age_bucket', column: 'age', edges: [25], labels: ['<25', '>=25'] });
    const outcomes = outcomesFromScores(ref.labels, ref.scores, { threshold: ref.threshold });
    for (const [name, grouping] of Object.entries(ref.groupings)) {
      const codes = name === 'sex' ? sex : name === 'age_bucket' ? age : undefined;
      const groupingUsed = codes ?? (await import('../../src/fairness/intersect.js')).intersect([sex, age]);
      const s = fairnessSummary(groupingUsed, outcomes.labels, outcomes.decisions);
      expect(Math.abs(s.demographicParityDifference - grouping.summary.demographic_parity_difference)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(s.demographicParityRatio - grouping.summary.demographic_parity_ratio)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(s.equalOpportunityDifference - grouping.summary.tpr_difference)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(s.fprDifference - grouping.summary.fpr_difference)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(s.equalizedOddsDifference - grouping.summary.equalized_odds_difference)).toBeLessThanOrEqual(1e-12);
    }
  });
});
