import { twoProportionZTest, wilsonInterval } from '../../math/stats/index.js';
import { newcombeInterval } from '../../math/stats/newcombe.js';
import { balancedAccuracyGap, classRates, readBaseRates, type ClassRates } from './base-rates.js';
import type { Detector, ScanContext } from '../detector.js';
import type { Finding, Severity } from '../../results/finding.js';
import { labelledRows, predictedClasses } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';
import { scanGroups, type GroupAssignment } from '../groups.js';

/** Accuracy gap (group vs the rest) from which a group is reported when significant. */
const ACCURACY_GAP = 0.05;

/**
 * Performance per value of each protected attribute: accuracy (Wilson interval), balanced accuracy, base
 * rate, selection rate, TPR and FPR. A group whose accuracy is significantly below the rest of the data
 * (two-proportion z-test at the scan's confidence level) by at least ACCURACY_GAP becomes a finding; its
 * severity drops when the gap disappears under balanced accuracy (see groupFinding).
 */
export const protectedPerformance: Detector = {
  id: 'protected-performance',
  title: 'Performance per protected group',
  category: 'fairness',
  applies(context) {
    if (context.model.task === 'regression') return 'regression task';
    if (!context.schema.protected?.length) return 'no protected attributes: pass --protected a,b or add "protected" to the schema';
    return labelledRows(context.labels).length > 0 ? true : 'the data has no labels';
  },
  async run(context) {
    const width = context.model.outputWidth;
    const predictions = predictedClasses(context.outputs, width, context.model.task);
    const findings: Finding[] = [];
    const tables = [];
    const data: Record<string, unknown>[] = [];
    const rowMasks: Record<string, Uint8Array> = {};
    for (const grouping of scanGroups(context)) {
      const rows = groupRows(context, grouping, predictions);
      tables.push({
        kind: 'table' as const,
        caption: `By ${grouping.name}`,
        columns: ['group', 'n', 'accuracy', 'accuracy CI', 'balanced accuracy', 'base rate', 'selection rate', 'TPR', 'FPR'],
        rows: rows.map((r) => [r.group, r.n, r.accuracy, `${r.ci.low.toFixed(3)}–${r.ci.high.toFixed(3)}`, r.rates.balancedAccuracy, r.rates.baseRates[r.rates.baseRates.length - 1] ?? null, r.selectionRate, r.tpr, r.fpr]),
      });
      data.push({ attribute: grouping.name, groups: rows });
      rows.forEach((row, g) => {
        const gap = row.restAccuracy - row.accuracy;
        if (row.pValue === undefined || gap < ACCURACY_GAP || row.pValue >= 1 - context.options.confidence) return;
        const finding = groupFinding(context, grouping, g, row, predictions);
        findings.push(finding);
        rowMasks[finding.id] = Uint8Array.from(grouping.codes, (c, i) => (c === g && context.labels[i]! >= 0 ? 1 : 0));
      });
    }
    const legend = { kind: 'text' as const, markdown: `Balanced accuracy is the mean recall over the classes, so it does not depend on how common each class is in a group; base rate is the share of "${context.classes[context.classes.length - 1] ?? ''}" labels. An accuracy gap that disappears under balanced accuracy comes from base rates.` };
    return { findings, rows: rowMasks, sections: [{ id: 'protected-performance', title: 'Performance per protected group', blocks: [legend, ...tables] }], data };
  },
};


/**
 * The finding for a group with significantly lower accuracy. Beside accuracy it reports balanced accuracy
 * and per-class recall, because an accuracy gap can come from base rates alone (a group made mostly of
 * the easy class scores high accuracy while the model misses its other class). When the gap does not
 * survive balancing (its interval reaches 0), the severity drops to low — to info when balanced accuracy
 * is significantly better for the group — and the title says the gap comes from base rates.
 */
function groupFinding(context: ScanContext, grouping: GroupAssignment, g: number, row: GroupRow, predictions: Int32Array): Finding {
  const level = context.options.confidence;
  const member = Int8Array.from(grouping.codes, (c, i) => (c < 0 || !(context.labels[i]! >= 0) ? -1 : c === g ? 1 : 0));
  const balanced = balancedAccuracyGap(member, context.labels, predictions, context.classes.length, { level, seed: context.seed });
  const accuracyGap = newcombeInterval(row.restCorrect, row.restN, row.correct, row.n, level);
  const gap = row.restAccuracy - row.accuracy;
  const reading = readBaseRates(balanced, gap, context.classes, level);
  const { survives, reversed } = reading;
  const severity: Severity = survives ? severityFor(Math.min(gap, balanced.gap)) : reversed ? 'info' : 'low';
  const who = `${grouping.name} = ${row.group}`;
  const pct = Math.round(level * 100);
  return {
    id: `protected-performance/${grouping.name}=${row.group}`,
    detector: 'protected-performance',
    severity,
    title: survives ? `Lower accuracy for ${who}` : `Lower accuracy for ${who}, explained by base rates`,
    summary: `Accuracy for ${who} is ${row.accuracy.toFixed(3)} (CI ${row.ci.low.toFixed(3)}–${row.ci.high.toFixed(3)}, n=${row.n}) against ${row.restAccuracy.toFixed(3)} for everyone else (gap ${gap.toFixed(3)}, ${pct}% Newcombe CI ${accuracyGap.low.toFixed(3)}–${accuracyGap.high.toFixed(3)}, p=${row.pValue!.toExponential(2)}). ${reading.sentence}`,
    metric: 'accuracy',
    value: row.accuracy,
    baseline: row.restAccuracy,
    interval: { low: row.ci.low, high: row.ci.high, level, method: 'wilson for accuracy' },
    slice: [{ feature: grouping.name, op: '==', value: row.group }],
    examples: row.examples,
    evidence: {
      n: row.n,
      correct: row.correct,
      pValue: row.pValue,
      accuracyGap: gap,
      accuracyGapInterval: { ...accuracyGap, method: `${accuracyGap.method} for accuracy gap (rest − group)` },
      ...reading.evidence,
      selectionRate: row.selectionRate,
      tpr: row.tpr,
      fpr: row.fpr,
    },
    suggestion: survives
      ? `Inspect the errors for ${who}: collect more representative data, reweigh, or use group-aware thresholds (glassbox fairness --mitigate).`
      : `Look at the per-class recall rather than accuracy for ${who}: the classes it is made of differ from the rest. If a class is rarely recognised in another group, that group's finding (or the disparity section) is where the problem is.`,
    reproduce: reproduceCommand(context),
  };
}

interface GroupRow {
  group: string;
  n: number;
  correct: number;
  accuracy: number;
  ci: { low: number; high: number };
  restAccuracy: number;
  restCorrect: number;
  restN: number;
  rates: ClassRates;
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
      restCorrect,
      restN,
      rates: classRates(Int8Array.from(grouping.codes, (c, i) => (c === g && context.labels[i]! >= 0 ? 1 : 0)), 1, context.labels, predictions, context.classes.length),
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
