import {
  accuracy,
  balancedAccuracy,
  brierScore,
  brierScoreMulticlass,
  confusionMatrix,
  logLoss,
  meanAbsoluteError,
  meanSquaredError,
  precisionRecallF1,
  prAuc,
  r2Score,
  rocAuc,
  rocAucOvr,
} from '../../math/metrics/index.js';
import { wilsonInterval } from '../../math/stats/index.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import type { Finding } from '../../results/finding.js';
import { labelledRows, pick, positiveScores, predictedClasses } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/** Overall quality of the model on the audited rows, with a majority-class baseline to beat. */
export const overallPerformance: Detector = {
  id: 'overall-performance',
  title: 'Overall performance',
  category: 'performance',
  applies: (context) => (labelledRows(context.labels).length > 0 ? true : 'the data has no labels'),
  run: async (context) => (context.model.task === 'regression' ? regression(context) : classification(context)),
};

function classification(context: ScanContext): DetectorResult {
  const width = context.model.outputWidth;
  const rows = labelledRows(context.labels);
  const labels = pick(context.labels, rows);
  const outputs = pick(context.outputs, rows, width);
  const predictions = predictedClasses(outputs, width, context.model.task);
  const k = context.classes.length;
  const acc = accuracy(labels, predictions);
  const correct = Math.round(acc * rows.length);
  const interval = wilsonInterval(correct, rows.length, context.options.confidence);
  const counts = new Float64Array(k);
  for (const y of labels) counts[y]!++;
  const majority = Math.max(...counts) / rows.length;
  const binary = context.model.task === 'binary';
  const scores = binary ? positiveScores(outputs, width) : undefined;
  const metrics: Record<string, number> = {
    accuracy: acc,
    balanced_accuracy: balancedAccuracy(labels, predictions, { nClasses: k }),
    macro_f1: precisionRecallF1(labels, predictions, { average: 'macro', nClasses: k }).f1,
    roc_auc: scores ? rocAuc(labels, scores) : rocAucOvr(labels, outputs),
    log_loss: logLoss(labels, outputs),
    brier: scores ? brierScore(labels, scores) : brierScoreMulticlass(labels, outputs),
    majority_class_accuracy: majority,
  };
  if (scores) metrics.pr_auc = prAuc(labels, scores);
  const cm = confusionMatrix(labels, predictions, { nClasses: k });
  const noBetter = interval.high <= majority;
  const finding: Finding = {
    id: 'overall-performance/accuracy',
    detector: 'overall-performance',
    severity: noBetter ? 'high' : 'info',
    title: noBetter ? 'The model is no better than always predicting the majority class' : `Accuracy ${(acc * 100).toFixed(1)}% on ${rows.length} rows`,
    summary: `Accuracy is ${acc.toFixed(4)} (${Math.round(context.options.confidence * 100)}% Wilson interval ${interval.low.toFixed(4)}–${interval.high.toFixed(4)}); always predicting the most frequent class would score ${majority.toFixed(4)}. ROC AUC ${metrics.roc_auc!.toFixed(4)}, log loss ${metrics.log_loss!.toFixed(4)}.`,
    metric: 'accuracy',
    value: acc,
    baseline: majority,
    interval: { low: interval.low, high: interval.high, level: context.options.confidence, method: 'wilson for accuracy' },
    examples: [],
    evidence: { n: rows.length, correct, ...metrics },
    suggestion: noBetter ? 'Check the label column, class balance and the preprocessing: the model has not learned more than the class prior.' : 'Read the slices and per-group sections: an aggregate number can hide where the model fails.',
    reproduce: reproduceCommand(context),
  };
  return { findings: [finding], sections: [section(metrics, cm.counts, context.classes)], data: { n: rows.length, metrics, confusionMatrix: Array.from(cm.counts), classes: context.classes } };
}

function section(metrics: Record<string, number>, counts: Float64Array, classes: readonly string[]): { id: string; title: string; blocks: ReportBlock[] } {
  const k = classes.length;
  const cells: { actual: string; predicted: string; count: number }[] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cells.push({ actual: classes[i]!, predicted: classes[j]!, count: counts[i * k + j]! });
  return {
    id: 'overall-performance',
    title: 'Overall performance',
    blocks: [
      { kind: 'table', caption: 'Metrics on the audited rows', columns: ['metric', 'value'], rows: Object.entries(metrics).map(([name, value]) => [name, value]) },
      {
        kind: 'chart',
        caption: 'Confusion matrix (rows: actual, columns: predicted)',
        spec: confusionMatrixSpec(cells, classes),
      },
    ],
  };
}

/**
 * The confusion matrix as a heatmap readable at normal zoom: cells of 40–90 px (the chart 280–600 px
 * wide), counts in 12–16 px type that turns white on dark cells, and horizontal class labels.
 */
export function confusionMatrixSpec(cells: readonly { actual: string; predicted: string; count: number }[], classes: readonly string[]): Record<string, unknown> {
  const k = Math.max(1, classes.length);
  const cell = Math.max(40, Math.min(90, Math.floor(600 / k)));
  const size = Math.max(280, cell * k);
  const max = Math.max(1, ...cells.map((c) => c.count));
  const axis = (title: string, sort: readonly string[]): Record<string, unknown> => ({ type: 'nominal', sort, title, axis: { labelAngle: 0, labelFontSize: 13, titleFontSize: 13, labelLimit: 160 } });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values: cells },
    width: size,
    height: size,
    encoding: { x: { field: 'predicted', ...axis('predicted', classes) }, y: { field: 'actual', ...axis('actual', classes) } },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' }, legend: { titleFontSize: 12, labelFontSize: 12 } } } },
      {
        mark: { type: 'text', fontSize: k <= 4 ? 16 : k <= 10 ? 13 : 11 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: '#1f2328' },
        },
      },
    ],
  };
}

function regression(context: ScanContext): DetectorResult {
  const rows = labelledRows(context.labels);
  const yTrue = pick(context.labels, rows);
  const yPred = Float64Array.from(pick(context.outputs, rows));
  let mean = 0;
  for (const y of yTrue) mean += y / yTrue.length;
  const baselineMse = meanSquaredError(yTrue, new Float64Array(yTrue.length).fill(mean));
  const metrics = { mse: meanSquaredError(yTrue, yPred), mae: meanAbsoluteError(yTrue, yPred), r2: r2Score(yTrue, yPred), mean_baseline_mse: baselineMse };
  const noBetter = metrics.mse >= baselineMse;
  const finding: Finding = {
    id: 'overall-performance/mse',
    detector: 'overall-performance',
    severity: noBetter ? 'high' : 'info',
    title: noBetter ? 'The model is no better than predicting the mean' : `R² ${metrics.r2.toFixed(3)} on ${rows.length} rows`,
    summary: `MSE ${metrics.mse.toPrecision(4)}, MAE ${metrics.mae.toPrecision(4)}, R² ${metrics.r2.toFixed(4)}; predicting the mean gives MSE ${baselineMse.toPrecision(4)}.`,
    metric: 'mse',
    value: metrics.mse,
    baseline: baselineMse,
    examples: [],
    evidence: { n: rows.length, ...metrics },
    suggestion: 'Read the slices section for where the error concentrates.',
    reproduce: reproduceCommand(context),
  };
  return { findings: [finding], sections: [{ id: 'overall-performance', title: 'Overall performance', blocks: [{ kind: 'table', columns: ['metric', 'value'], rows: Object.entries(metrics) }] }], data: { n: rows.length, metrics } };
}
