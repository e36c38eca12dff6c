import { confusionMatrix } from '../../math/metrics/index.js';
import { twoProportionZTest, wilsonInterval } from '../../math/stats/index.js';
import type { Detector } from '../detector.js';
import type { Finding, Severity } from '../../results/finding.js';
import { labelledRows, pick, predictedClasses } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/** Recall below which (relative to the mean recall of the other classes) a class is reported. */
const RECALL_GAP = 0.1;

/**
 * Precision, recall and F1 per class. A class is reported when its recall is significantly below that
 * of the other classes (two-proportion z-test) by at least RECALL_GAP.
 */
export const perClassPerformance: Detector = {
  id: 'per-class-performance',
  title: 'Per-class performance',
  category: 'performance',
  applies: (context) => (context.model.task === 'regression' ? 'regression task' : labelledRows(context.labels).length > 0 ? true : 'the data has no labels'),
  async run(context) {
    const width = context.model.outputWidth;
    const rows = labelledRows(context.labels);
    const labels = pick(context.labels, rows);
    const predictions = predictedClasses(pick(context.outputs, rows, width), width, context.model.task);
    const k = context.classes.length;
    const { counts } = confusionMatrix(labels, predictions, { nClasses: k });
    const table: (string | number)[][] = [];
    const findings: Finding[] = [];
    const perClass = [];
    for (let c = 0; c < k; c++) {
      let support = 0;
      let predicted = 0;
      for (let j = 0; j < k; j++) support += counts[c * k + j]!;
      for (let i = 0; i < k; i++) predicted += counts[i * k + c]!;
      const tp = counts[c * k + c]!;
      const recall = support ? tp / support : Number.NaN;
      const precision = predicted ? tp / predicted : Number.NaN;
      const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
      const ci = wilsonInterval(tp, support, context.options.confidence);
      const otherTp = trace(counts, k) - tp;
      const otherSupport = rows.length - support;
      const otherRecall = otherSupport ? otherTp / otherSupport : Number.NaN;
      const test = support && otherSupport ? twoProportionZTest(tp, support, otherTp, otherSupport) : undefined;
      const name = context.classes[c]!;
      perClass.push({ class: name, support, precision, recall, f1, recallInterval: ci, otherRecall, pValue: test?.pValue ?? null });
      table.push([name, support, precision, recall, f1, `${ci.low.toFixed(3)}–${ci.high.toFixed(3)}`]);
      if (test && otherRecall - recall >= RECALL_GAP && test.pValue < 1 - context.options.confidence) {
        findings.push({
          id: `per-class-performance/${name}`,
          detector: 'per-class-performance',
          severity: severityFor(otherRecall - recall),
          title: `Class "${name}" is recognised much less often than the others`,
          summary: `Recall for "${name}" is ${recall.toFixed(3)} (CI ${ci.low.toFixed(3)}–${ci.high.toFixed(3)}, n=${support}) against ${otherRecall.toFixed(3)} for the other classes (p=${test.pValue.toExponential(2)}).`,
          metric: 'recall',
          value: recall,
          baseline: otherRecall,
          interval: { low: ci.low, high: ci.high, level: context.options.confidence, method: 'wilson for recall' },
          examples: exampleRows(context.table.rowIds, rows, labels, predictions, c),
          evidence: { support, tp, precision, f1, pValue: test.pValue, z: test.statistic },
          suggestion: `Collect or weight more examples of "${name}", or lower its decision threshold if missing it is costly.`,
          reproduce: reproduceCommand(context),
        });
      }
    }
    return {
      findings,
      sections: [{ id: 'per-class-performance', title: 'Per-class performance', blocks: [{ kind: 'table', columns: ['class', 'support', 'precision', 'recall', 'F1', 'recall CI'], rows: table }] }],
      data: { classes: perClass },
    };
  },
};

function trace(counts: Float64Array, k: number): number {
  let sum = 0;
  for (let c = 0; c < k; c++) sum += counts[c * k + c]!;
  return sum;
}

function severityFor(gap: number): Severity {
  return gap >= 0.3 ? 'high' : gap >= 0.2 ? 'medium' : 'low';
}

function exampleRows(rowIds: Int32Array, rows: Int32Array, labels: Float64Array, predictions: Int32Array, cls: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows.length && out.length < 10; i++) if (labels[i] === cls && predictions[i] !== cls) out.push(rowIds[rows[i]!]!);
  return out;
}
