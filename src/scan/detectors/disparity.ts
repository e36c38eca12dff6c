import { fairnessSummary, multiclassFairness } from '../../fairness/group-metrics.js';
import type { FairnessSummary } from '../../fairness/group-metrics.js';
import { thresholdMitigation } from '../../fairness/mitigation-report.js';
import type { ThresholdMitigation } from '../../fairness/mitigation-report.js';
import { intersectGroupings, type Grouping } from '../../math/stats/groups.js';
import { twoProportionZTest } from '../../math/stats/proportion-test.js';
import { benjaminiHochberg } from '../../math/stats/fdr.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Detector, ScanContext } from '../detector.js';
import type { Finding } from '../../results/finding.js';
import { scanGroups } from '../groups.js';
import { reproduceCommand } from '../reproduce.js';
import { sliceInputs } from './weak-slices.js';
import { demographicParityInterval } from './disparity-interval.js';
import { compareWithParents } from './intersection-nesting.js';

const r4 = (x: number | null): number | null => (x === null || Number.isNaN(x) ? null : Number(x.toFixed(4)));

/** One grouping (a protected attribute or an intersection of two) with its fairness summary for one class. */
interface Candidate {
  readonly grouping: Grouping;
  /** Indices into the base groupings for an intersection. */
  readonly parents?: readonly [number, number];
  readonly summary: FairnessSummary;
  /** Whether each row was selected (predicted positive, or predicted as `cls` for multiclass). */
  readonly decisions: Uint8Array;
  readonly cls?: string;
}

/** Selection rates of the lowest and highest groups, with a two-proportion test between them. */
function extremes(s: FairnessSummary): { low: FairnessSummary['groups'][number]; high: FairnessSummary['groups'][number]; pValue: number } {
  const sorted = [...s.groups].sort((a, b) => a.selectionRate - b.selectionRate);
  const low = sorted[0]!;
  const high = sorted[sorted.length - 1]!;
  const p = twoProportionZTest(high.tp + high.fp, high.n, low.tp + low.fp, low.n).pValue;
  return { low, high, pValue: p };
}

const findingId = (c: Candidate): string => `disparity/${c.grouping.name}${c.cls ? `/${c.cls}` : ''}`;

function finding(context: ScanContext, c: Candidate, p: number, q: number, rowIds: Int32Array): Finding {
  const { grouping: g, summary: s, cls } = c;
  const { low, high } = extremes(s);
  const interval = demographicParityInterval(g, c.decisions, { level: context.options.confidence, seed: context.seed });
  const lowCode = g.labels.indexOf(low.group);
  const examples: number[] = [];
  for (let i = 0; i < g.codes.length && examples.length < 10; i++) if (g.codes[i] === lowCode) examples.push(rowIds[i]!);
  const diff = s.demographicParityDifference;
  const level = Math.round(context.options.confidence * 100);
  return {
    id: findingId(c),
    detector: 'disparity',
    severity: diff >= 2 * context.options.disparityThreshold || s.demographicParityRatio < context.options.ratioThreshold - 0.2 ? 'high' : 'medium',
    title: `Disparate selection rates by ${g.name}${cls ? ` (class ${cls})` : ''}`,
    summary: `Selection rate ranges from ${low.selectionRate.toFixed(3)} (${g.name} = ${low.group}, n=${low.n}) to ${high.selectionRate.toFixed(3)} (${high.group}, n=${high.n}): demographic parity difference ${diff.toFixed(3)} (${level}% CI ${interval.low.toFixed(3)}–${interval.high.toFixed(3)}, ${interval.method.split(' ')[0]}), ratio ${s.demographicParityRatio.toFixed(3)} (thresholds ${context.options.disparityThreshold} / ${context.options.ratioThreshold}); equalized odds difference ${s.equalizedOddsDifference.toFixed(3)} (p=${p.toExponential(2)}, q=${q.toExponential(2)}).`,
    metric: 'demographic_parity_difference',
    value: diff,
    baseline: 0,
    interval,
    slice: g.name.split('_x_').map((feature, k) => ({ feature, op: '==' as const, value: low.group.split('|')[k] ?? low.group })),
    examples,
    evidence: { pValue: p, qValue: q, demographicParityRatio: s.demographicParityRatio, equalizedOddsDifference: s.equalizedOddsDifference, equalOpportunityDifference: s.equalOpportunityDifference, predictiveParityDifference: s.predictiveParityDifference, groups: s.groups },
    suggestion: g.name.includes('_x_')
      ? `Check whether the gap is justified; mitigate with group thresholds (glassbox fairness --protected ${g.name.replaceAll('_x_', ',')} --mitigate threshold) or retrain with reweighing weights (--mitigate reweigh).`
      : `Check whether the gap is justified; compare fixes on held-out rows with glassbox mitigate --protected ${g.name} --method threshold (group thresholds), reweigh, or mindiff / rate-constraint (fine-tuning a TF.js or ONNX network).`,
    reproduce: reproduceCommand(context),
  };
}

/** Every protected attribute and every pair of them, with per-row decisions (per class for multiclass). */
function candidates(context: ScanContext, base: readonly Grouping[], y: Uint8Array, d: Uint8Array, inputs: { labels: Float64Array; predictions: Int32Array }): Candidate[] {
  const groupings: { grouping: Grouping; parents?: readonly [number, number] }[] = base.map((grouping) => ({ grouping }));
  for (let i = 0; i < base.length; i++) for (let j = i + 1; j < base.length; j++) groupings.push({ grouping: intersectGroupings([base[i]!, base[j]!]), parents: [i, j] });
  if (context.model.task === 'binary') return groupings.map((g) => ({ ...g, summary: fairnessSummary(g.grouping, y, d), decisions: d }));
  return groupings.flatMap((g) =>
    multiclassFairness(g.grouping, inputs.labels, inputs.predictions, context.classes).map((m, c) => ({ ...g, summary: m.summary, cls: m.class, decisions: Uint8Array.from(inputs.predictions, (p) => (p === c ? 1 : 0)) })),
  );
}

/**
 * Folds intersections that only restate a parent's disparity into that parent's finding: an intersection
 * stays a finding of its own only when its worst cell is significantly worse than the rest of each parent
 * group (compareWithParents), or when no parent is itself a finding.
 */
function nestIntersections(flagged: readonly { candidate: Candidate; finding: Finding }[], base: readonly Grouping[], level: number): Finding[] {
  const byId = new Map(flagged.map((f) => [f.finding.id, { ...f.finding, related: [...(f.finding.related ?? [])] }]));
  for (const { candidate, finding: f } of flagged) {
    if (!candidate.parents) continue;
    const parents = candidate.parents.map((i) => base[i]!);
    const worst = extremes(candidate.summary).low.group;
    const comparisons = compareWithParents(candidate.grouping, parents, worst, candidate.decisions, level);
    if (comparisons.length === 0 || comparisons.every((c) => c.worse)) continue;
    const parentFinding = (c: (typeof comparisons)[number]): ReturnType<typeof byId.get> => byId.get(`disparity/${c.attribute}${candidate.cls ? `/${candidate.cls}` : ''}`);
    const explaining = comparisons.filter((c) => !c.worse && parentFinding(c)).sort((a, b) => (parentFinding(b)!.value ?? 0) - (parentFinding(a)!.value ?? 0))[0];
    if (!explaining) continue;
    const other = comparisons.find((c) => c !== explaining)!;
    const reason = `${candidate.grouping.name} = ${worst} is not significantly less often selected than the rest of ${explaining.attribute} = ${explaining.group} (difference ${explaining.difference.toFixed(3)}, ${Math.round(level * 100)}% Newcombe CI ${explaining.low.toFixed(3)}–${explaining.high.toFixed(3)}); the ${explaining.attribute} disparity already accounts for it${other ? ` (against the rest of ${other.attribute} = ${other.group}: ${other.difference.toFixed(3)}, CI ${other.low.toFixed(3)}–${other.high.toFixed(3)})` : ''}.`;
    const parent = parentFinding(explaining)!;
    const { id, detector, severity, title, summary, metric, value, baseline, interval } = f;
    parent.related.push({ id, detector, severity, title, summary, metric, value, ...(baseline !== undefined ? { baseline } : {}), ...(interval ? { interval } : {}), relation: 'intersection', reason });
    byId.delete(f.id);
  }
  return [...byId.values()].map((f) => (f.related.length ? f : (({ related: _r, ...rest }) => rest)(f)));
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
    if (!context.schema.protected?.length) return 'no protected attributes: pass --protected a,b or add "protected" to the schema';
    return context.labels.some((y) => y >= 0) ? true : 'the data has no labels';
  },
  async run(context) {
    const inputs = sliceInputs(context);
    const rows: number[] = [];
    context.labels.forEach((y, i) => y >= 0 && rows.push(i));
    const base = scanGroups(context).map((g) => ({ name: g.name, labels: g.labels, codes: Int32Array.from(rows, (i) => g.codes[i]!) }));
    const y = Uint8Array.from(inputs.labels, (v) => (v === context.classes.length - 1 ? 1 : 0));
    const d = Uint8Array.from(inputs.predictions, (v) => (v === context.classes.length - 1 ? 1 : 0));
    const summaries = candidates(context, base, y, d, inputs);
    const ps = summaries.map((s) => (s.summary.groups.length > 1 ? extremes(s.summary).pValue : Number.NaN));
    const qs = benjaminiHochberg(ps);
    const alpha = 1 - context.options.confidence;
    const flagged = summaries.flatMap((s, k) => {
      const over = s.summary.demographicParityDifference > context.options.disparityThreshold || s.summary.demographicParityRatio < context.options.ratioThreshold;
      return over && qs[k]! <= alpha ? [{ candidate: s, finding: finding(context, s, ps[k]!, qs[k]!, inputs.table.rowIds) }] : [];
    });
    const findings = nestIntersections(flagged, base, context.options.confidence);
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
