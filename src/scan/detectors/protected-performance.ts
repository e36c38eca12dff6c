import { twoProportionZTest, wilsonInterval } from '../../math/stats/index.js';
import type { Detector, ScanContext } from '../detector.js';
import type { Finding, Severity } from '../../results/finding.js';
import { labelledRows, predictedClasses } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';
import { scanGroups, type GroupAssignment } from '../groups.js';

/** Accuracy gap (group vs the rest) from which a group is reported when significant. */
const ACCURACY_GAP = 0.05;

/**
 * Performance per value of each protected attribute: accuracy, selection rate, TPR and FPR with
 * Wilson intervals. A group whose accuracy is significantly below the rest of the data (two-proportion
 * z-test at the scan's confidence level) by at least ACCURACY_GAP becomes a finding.
 */
export const protectedPerformance: Detector = {
  id: 'protected-performance',
  title: 'Performance per protected group',
  category: 'fairness',
  applies(context) {
    if (context.model.task === 'regression') return 'regression task';
    if (!context.schema.protected?.length) return 'the schema names no protected attributes (add "protected" to the schema)';
    return labelledRows(context.labels).length > 0 ? true : 'the data has no labels';
  },
  async run(context) {
    const width = context.model.outputWidth;
    const predictions = predictedClasses(context.outputs, width, context.model.task);
    const findings: Finding[] = [];
    const tables = [];
    const data: Record<string, unknown>[] = [];
    for (const grouping of scanGroups(context)) {
      const rows = groupRows(context, grouping, predictions);
      tables.push({
        kind: 'table' as const,
        caption: `By ${grouping.name}`,
        columns: ['group', 'n', 'accuracy', 'accuracy CI', 'selection rate', 'TPR', 'FPR'],
        rows: rows.map((r) => [r.group, r.n, r.accuracy, `${r.ci.low.toFixed(3)}–${r.ci.high.toFixed(3)}`, r.selectionRate, r.tpr, r.fpr]),
      });
      data.push({ attribute: grouping.name, groups: rows });
      for (const row of rows) {
        const gap = row.restAccuracy - row.accuracy;
        if (row.pValue === undefined || gap < ACCURACY_GAP || row.pValue >= 1 - context.options.confidence) continue;
        findings.push({
          id: `protected-performance/${grouping.name}=${row.group}`,
          detector: 'protected-performance',
          severity: severityFor(gap),
          title: `Lower accuracy for ${grouping.name} = ${row.group}`,
          summary: `Accuracy for ${grouping.name} = ${row.group} is ${row.accuracy.toFixed(3)} (CI ${row.ci.low.toFixed(3)}–${row.ci.high.toFixed(3)}, n=${row.n}) against ${row.restAccuracy.toFixed(3)} for everyone else (p=${row.pValue.toExponential(2)}).`,
          metric: 'accuracy',
          value: row.accuracy,
          baseline: row.restAccuracy,
          interval: { low: row.ci.low, high: row.ci.high, level: context.options.confidence, method: 'wilson' },
          slice: [{ feature: grouping.name, op: '==', value: row.group }],
          examples: row.examples,
          evidence: { n: row.n, correct: row.correct, pValue: row.pValue, selectionRate: row.selectionRate, tpr: row.tpr, fpr: row.fpr },
          suggestion: `Inspect the errors for ${grouping.name} = ${row.group}: collect more representative data, reweigh, or use group-aware thresholds (glassbox fairness --mitigate).`,
          reproduce: reproduceCommand(context),
        });
      }
    }
    return { findings, sections: [{ id: 'protected-performance', title: 'Performance per protected group', blocks: tables }], data };
  },
};

interface GroupRow {
  group: string;
  n: number;
  correct: number;
  accuracy: number;
  ci: { low: number; high: number };
  restAccuracy: number;
  pValue: number | undefined;
  selectionRate: number;
  tpr: number;
  fpr: number;
  examples: number[];
}

function groupRows(context: ScanContext, grouping: GroupAssignment, predictions: Int32Array): GroupRow[] {
  const k = grouping.labels.length;
  const n = new Float64Array(k);
  const correct = new Float64Array(k);
  const tp = new Float64Array(k);
  const pos = new Float64Array(k);
  const fp = new Float64Array(k);
  const neg = new Float64Array(k);
  const selected = new Float64Array(k);
  const examples: number[][] = grouping.labels.map(() => []);
  const positive = context.classes.length - 1;
  let totalN = 0;
  let totalCorrect = 0;
  for (let i = 0; i < predictions.length; i++) {
    const g = grouping.codes[i]!;
    const y = context.labels[i]!;
    if (g < 0 || !(y >= 0)) continue;
    const p = predictions[i]!;
    n[g]!++;
    totalN++;
    if (p === y) {
      correct[g]!++;
      totalCorrect++;
    } else if (examples[g]!.length < 10) examples[g]!.push(context.table.rowIds[i]!);
    if (p === positive) selected[g]!++;
    if (y === positive) {
      pos[g]!++;
      if (p === positive) tp[g]!++;
    } else {
      neg[g]!++;
      if (p === positive) fp[g]!++;
    }
  }
  return grouping.labels.map((group, g) => {
    const restN = totalN - n[g]!;
    const restCorrect = totalCorrect - correct[g]!;
    return {
      group,
      n: n[g]!,
      correct: correct[g]!,
      accuracy: correct[g]! / n[g]!,
      ci: wilsonInterval(correct[g]!, n[g]!, context.options.confidence),
      restAccuracy: restCorrect / restN,
      pValue: n[g]! > 0 && restN > 0 ? twoProportionZTest(correct[g]!, n[g]!, restCorrect, restN).pValue : undefined,
      selectionRate: selected[g]! / n[g]!,
      tpr: tp[g]! / pos[g]!,
      fpr: fp[g]! / neg[g]!,
      examples: examples[g]!,
    };
  });
}

function severityFor(gap: number): Severity {
  return gap >= 0.2 ? 'high' : gap >= 0.1 ? 'medium' : 'low';
}
