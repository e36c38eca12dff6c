import { writeFileSync } from 'node:fs';
import { GlassboxError } from '../../../errors.js';
import { fairnessSummary } from '../../../fairness/group-metrics.js';
import { thresholdMitigation } from '../../../fairness/mitigation-report.js';
import { reweighing } from '../../../fairness/reweighing.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { disaggregate } from '../../../slice/disaggregate.js';
import { groupByColumn, groupByProtected, intersectGroupings } from '../../../slice/groupings.js';
import type { Grouping } from '../../../slice/groupings.js';
import { parseChoice, parseIntegerFlag, parseList } from '../../options.js';
import { loadAuditInputs, refuseNamedOutcomeColumns } from '../../audit-inputs.js';
import { renderBlocks } from '../../render.js';
import type { AuditFlags, AuditInputs } from '../../audit-inputs.js';

export interface FairnessFlags extends AuditFlags {
  protected?: string;
  maxOrder?: string;
  mitigate?: string;
  constraint?: string;
  policyOut?: string;
}

const r = (x: number | null): number | null => (x === null || Number.isNaN(x) ? null : x);

/** Protected attributes by name: schema protected specs first, otherwise a column (numbers in quartiles). */
function protectedGroupings(audit: AuditInputs, names: readonly string[]): Grouping[] {
  return names.map((name) => {
    const spec = audit.schema.protected?.find((p) => p.name === name);
    if (spec) return groupByProtected(audit.table, spec);
    return groupByColumn(audit.table, name);
  });
}

/** `glassbox fairness`: group metrics per protected attribute and their intersections, with optional mitigation. */
export async function runFairness(flags: FairnessFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'table');
  const mitigate = flags.mitigate === undefined ? undefined : parseChoice('--mitigate', flags.mitigate, ['threshold', 'reweigh'] as const, 'threshold');
  const constraint = parseChoice('--constraint', flags.constraint, ['demographic_parity', 'equalized_odds', 'equal_opportunity'] as const, 'demographic_parity');
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const audit = await loadAuditInputs(flags);
  const names = flags.protected ? parseList(flags.protected) : (audit.schema.protected ?? []).map((p) => p.name);
  if (names.length === 0) throw new GlassboxError('invalid_argument', 'No protected attributes: pass --protected a,b or declare "protected" in the schema.', { argument: '--protected', hint: 'e.g. --protected sex,age' });
  refuseNamedOutcomeColumns(audit, names.map((name) => audit.schema.protected?.find((p) => p.name === name)?.column ?? name), '--protected');
  const groupings = protectedGroupings(audit, names);
  const maxOrder = parseIntegerFlag('--max-order', flags.maxOrder, 2);
  const result = await disaggregate(groupings, audit.outcomes, { maxOrder: Math.max(1, maxOrder), seed });
  const combos = result.tables.map((t) => (t.attributes.length === 1 ? groupings.find((g) => g.name === t.name)! : intersectGroupings(t.attributes.map((a) => groupings.find((g) => g.name === a)!))));
  const summaries = combos.map((g) => fairnessSummary(g, audit.outcomes.labels, audit.outcomes.decisions));
  const main = combos[0]!;
  const mitigation = mitigate === 'threshold' && audit.outcomes.scores ? thresholdMitigation(main, audit.outcomes.labels, audit.outcomes.scores, { constraint, seed }) : undefined;
  if (mitigate === 'threshold' && !audit.outcomes.scores) throw new GlassboxError('invalid_argument', '--mitigate threshold needs scores, but the predictions are hard labels.', { argument: '--mitigate', hint: 'Pass probabilities (a score column or --model), or use --mitigate reweigh.' });
  const weights = mitigate === 'reweigh' ? reweighing(main, audit.outcomes.labels) : undefined;
  if (mitigation && flags.policyOut) writeFileSync(flags.policyOut, `${JSON.stringify(mitigation.policy, null, 2)}\n`);
  const summaryJson = summaries.map((s) => ({
    grouping: s.grouping,
    demographic_parity_difference: r(s.demographicParityDifference),
    demographic_parity_ratio: r(s.demographicParityRatio),
    equalized_odds_difference: r(s.equalizedOddsDifference),
    equalized_odds_ratio: r(s.equalizedOddsRatio),
    equal_opportunity_difference: r(s.equalOpportunityDifference),
    equal_opportunity_ratio: r(s.equalOpportunityRatio),
    predictive_parity_difference: r(s.predictiveParityDifference),
    predictive_parity_ratio: r(s.predictiveParityRatio),
  }));
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ version: 1, threshold: Number(flags.threshold ?? 0.5), overall: result.overall, groupTables: result.tables, summaries: summaryJson, mitigation: mitigation ?? null, reweighing: weights ? { cells: weights.cells, positiveRate: weights.positiveRate } : null }, null, 2)}\n`);
    return;
  }
  const blocks: ReportBlock[] = result.tables.map((t) => ({
    kind: 'table',
    caption: `By ${t.name}`,
    columns: ['group', 'n', 'accuracy', 'selection rate', 'sel. CI', 'TPR', 'FPR', 'PPV', 'Brier', 'calib. gap'],
    rows: t.rows.map((g) => [g.group, g.n, g.accuracy, g.selectionRate, `${g.intervals.selectionRate?.low?.toFixed(3)}–${g.intervals.selectionRate?.high?.toFixed(3)}`, g.tpr, g.fpr, g.ppv, g.brier, g.calibrationGap]),
  }));
  blocks.push({ kind: 'table', caption: 'Fairness summary (difference = max − min, ratio = min / max)', columns: ['grouping', 'DP diff', 'DP ratio', 'EO diff', 'EO ratio', 'EOpp diff', 'PP diff'], rows: summaryJson.map((s) => [s.grouping, s.demographic_parity_difference, s.demographic_parity_ratio, s.equalized_odds_difference, s.equalized_odds_ratio, s.equal_opportunity_difference, s.predictive_parity_difference]) });
  if (mitigation) blocks.push({ kind: 'table', caption: `Threshold optimizer (${mitigation.policy.constraint}) on ${main.name}: held-out before → after`, columns: ['metric', 'before', 'after'], rows: [['accuracy', mitigation.before.accuracy, mitigation.after.accuracy], ['DP difference', mitigation.before.summary.demographicParityDifference, mitigation.after.summary.demographicParityDifference], ['EO difference', mitigation.before.summary.equalizedOddsDifference, mitigation.after.summary.equalizedOddsDifference]] });
  if (weights) blocks.push({ kind: 'table', caption: `Reweighing on ${main.name}: positive-label rate before → after weighting`, columns: ['group', 'before', 'after'], rows: weights.positiveRate.map((p) => [p.group, p.before, p.after]) });
  process.stdout.write(await renderBlocks(format, 'glassbox fairness', blocks));
}
