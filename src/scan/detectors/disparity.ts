import { fairnessSummary, multiclassFairness } from '../../fairness/group-metrics.js';
import type { FairnessSummary } from '../../fairness/group-metrics.js';
import { withIntersections } from '../../fairness/intersect.js';
import { thresholdMitigation } from '../../fairness/mitigation-report.js';
import type { ThresholdMitigation } from '../../fairness/mitigation-report.js';
import type { Grouping } from '../../math/stats/groups.js';
import { twoProportionZTest } from '../../math/stats/proportion-test.js';
import { benjaminiHochberg } from '../../math/stats/fdr.js';
import { wilsonInterval } from '../../math/stats/wilson.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Detector, ScanContext } from '../detector.js';
import type { Finding } from '../../results/finding.js';
import { scanGroups } from '../groups.js';
import { reproduceCommand } from '../reproduce.js';
import { sliceInputs } from './weak-slices.js';

const r4 = (x: number | null): number | null => (x === null || Number.isNaN(x) ? null : Number(x.toFixed(4)));

function binarySummaries(context: ScanContext, groupings: readonly Grouping[], y: Uint8Array, d: Uint8Array): { grouping: Grouping; summary: FairnessSummary; cls?: string }[] {
  if (context.model.task === 'binary') return groupings.map((g) => ({ grouping: g, summary: fairnessSummary(g, y, d) }));
  return [];
}

/** Selection rates of the lowest and highest groups, with a two-proportion test between them. */
function extremes(s: FairnessSummary): { low: FairnessSummary['groups'][number]; high: FairnessSummary['groups'][number]; pValue: number } {
  const sorted = [...s.groups].sort((a, b) => a.selectionRate - b.selectionRate);
  const low = sorted[0]!;
  const high = sorted[sorted.length - 1]!;
  const p = twoProportionZTest(high.tp + high.fp, high.n, low.tp + low.fp, low.n).pValue;
  return { low, high, pValue: p };
}

function finding(context: ScanContext, g: Grouping, s: FairnessSummary, p: number, q: number, codes: Int32Array, rowIds: Int32Array, cls?: string): Finding {
  const { low, high } = extremes(s);
  const ci = wilsonInterval(low.tp + low.fp, low.n, context.options.confidence);
  const lowCode = g.labels.indexOf(low.group);
  const examples: number[] = [];
  for (let i = 0; i < codes.length && examples.length < 10; i++) if (codes[i] === lowCode) examples.push(rowIds[i]!);
  const diff = s.demographicParityDifference;
  return {
    id: `disparity/${g.name}${cls ? `/${cls}` : ''}`,
    detector: 'disparity',
    severity: diff >= 2 * context.options.disparityThreshold || s.demographicParityRatio < context.options.ratioThreshold - 0.2 ? 'high' : 'medium',
    title: `Disparate selection rates by ${g.name}${cls ? ` (class ${cls})` : ''}`,
    summary: `Selection rate ranges from ${low.selectionRate.toFixed(3)} (${g.name} = ${low.group}, n=${low.n}) to ${high.selectionRate.toFixed(3)} (${high.group}, n=${high.n}): demographic parity difference ${diff.toFixed(3)}, ratio ${s.demographicParityRatio.toFixed(3)} (thresholds ${context.options.disparityThreshold} / ${context.options.ratioThreshold}); equalized odds difference ${s.equalizedOddsDifference.toFixed(3)} (p=${p.toExponential(2)}, q=${q.toExponential(2)}).`,
    metric: 'demographic_parity_difference',
    value: diff,
    baseline: 0,
    interval: { low: ci.low, high: ci.high, level: ci.level, method: `wilson (selection rate of ${low.group})` },
    slice: g.name.split('_x_').map((feature, k) => ({ feature, op: '==' as const, value: low.group.split('|')[k] ?? low.group })),
    examples,
    evidence: { pValue: p, qValue: q, demographicParityRatio: s.demographicParityRatio, equalizedOddsDifference: s.equalizedOddsDifference, equalOpportunityDifference: s.equalOpportunityDifference, predictiveParityDifference: s.predictiveParityDifference, groups: s.groups },
    suggestion: `Check whether the gap is justified; mitigate with group thresholds (glassbox fairness --protected ${g.name.replaceAll('_x_', ',')} --mitigate threshold) or retrain with reweighing weights (--mitigate reweigh).`,
    reproduce: reproduceCommand(context),
  };
}

function groupBlock(s: FairnessSummary): ReportBlock {
  return {
    kind: 'table',
    caption: `By ${s.grouping}: DP diff ${r4(s.demographicParityDifference)}, DP ratio ${r4(s.demographicParityRatio)}, EO diff ${r4(s.equalizedOddsDifference)}`,
    columns: ['group', 'n', 'selection rate', 'TPR', 'FPR', 'PPV', 'accuracy'],
    rows: s.groups.map((g) => [g.group, g.n, r4(g.selectionRate), r4(g.tpr), r4(g.fpr), r4(g.ppv), r4(g.accuracy)]),
  };
}

export function mitigationBlock(m: ThresholdMitigation): ReportBlock {
  const row = (name: string, f: (s: FairnessSummary) => number): (string | number | null)[] => [name, r4(f(m.before.summary)), r4(f(m.after.summary))];
  return {
    kind: 'table',
    caption: `Threshold optimizer (${m.policy.constraint}) fitted on ${m.fitRows} rows, evaluated on ${m.heldOutRows} held-out rows`,
    columns: ['metric', 'before', 'after'],
    rows: [['accuracy', r4(m.before.accuracy), r4(m.after.accuracy)], row('demographic parity difference', (s) => s.demographicParityDifference), row('demographic parity ratio', (s) => s.demographicParityRatio), row('equalized odds difference', (s) => s.equalizedOddsDifference)],
  };
}

/**
 * Disparity by protected attribute and pairwise intersections (Fairlearn metrics): reported when the
 * demographic parity difference exceeds ScanOptions.disparityThreshold (0.1) or the ratio falls below
 * ratioThreshold (0.8), and the gap between the extreme groups is significant after BH. Binary tasks also
 * get a threshold-optimizer before/after view on a held-out half.
 */
export const disparity: Detector = {
  id: 'disparity',
  title: 'Disparity by protected attribute',
  category: 'fairness',
  applies(context) {
    if (context.model.task === 'regression') return 'regression task';
    if (!context.schema.protected?.length) return 'the schema names no protected attributes (add "protected" to the schema)';
    return context.labels.some((y) => y >= 0) ? true : 'the data has no labels';
  },
  async run(context) {
    const inputs = sliceInputs(context);
    const rows: number[] = [];
    context.labels.forEach((y, i) => y >= 0 && rows.push(i));
    const base = scanGroups(context).map((g) => ({ name: g.name, labels: g.labels, codes: Int32Array.from(rows, (i) => g.codes[i]!) }));
    const groupings = withIntersections(base, 2);
    const y = Uint8Array.from(inputs.labels, (v) => (v === context.classes.length - 1 ? 1 : 0));
    const d = Uint8Array.from(inputs.predictions, (v) => (v === context.classes.length - 1 ? 1 : 0));
    const summaries = context.model.task === 'binary' ? binarySummaries(context, groupings, y, d) : groupings.flatMap((g) => multiclassFairness(g, inputs.labels, inputs.predictions, context.classes).map((m) => ({ grouping: g, summary: m.summary, cls: m.class })));
    const ps = summaries.map((s) => (s.summary.groups.length > 1 ? extremes(s.summary).pValue : Number.NaN));
    const qs = benjaminiHochberg(ps);
    const alpha = 1 - context.options.confidence;
    const findings = summaries.flatMap((s, k) => {
      const flagged = s.summary.demographicParityDifference > context.options.disparityThreshold || s.summary.demographicParityRatio < context.options.ratioThreshold;
      return flagged && qs[k]! <= alpha ? [finding(context, s.grouping, s.summary, ps[k]!, qs[k]!, s.grouping.codes, inputs.table.rowIds, s.cls)] : [];
    });
    const blocks: ReportBlock[] = summaries.filter((s) => !s.cls).map((s) => groupBlock(s.summary));
    let mitigation: ThresholdMitigation | undefined;
    const target = findings[0] ? summaries.find((s) => `disparity/${s.grouping.name}` === findings[0]!.id) : undefined;
    if (target && inputs.scores && inputs.labels.length >= 100) {
      try {
        mitigation = thresholdMitigation(target.grouping, y, inputs.scores, { constraint: 'demographic_parity', seed: context.seed });
        blocks.push(mitigationBlock(mitigation));
      } catch (error) {
        blocks.push({ kind: 'text', markdown: `Threshold mitigation not computed: ${(error as Error).message}` });
      }
    }
    return { findings, sections: [{ id: 'disparity', title: 'Disparity by protected attribute', blocks }], data: { summaries: summaries.map((s) => ({ ...s.summary, grouping: s.grouping.name, class: s.cls ?? null })), mitigation: mitigation ?? null } };
  },
};
