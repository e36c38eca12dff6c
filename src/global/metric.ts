import { GlassboxError } from '../errors.js';
import { accuracy, logLoss, meanSquaredError, r2Score, rocAuc } from '../math/metrics/index.js';
import { argmaxOfRows } from '../math/argmax-rows.js';

/** A score of model outputs against labels; higher is better. */
export type ScoreFn = (labels: Float64Array, outputs: Float32Array, width: number) => number;

/** Named metrics (scikit-learn scorer names) or a custom function. */
export type MetricOption = 'accuracy' | 'roc_auc' | 'neg_log_loss' | 'r2' | 'neg_mean_squared_error' | ScoreFn;

export function resolveMetric(metric: MetricOption, task: 'binary' | 'multiclass' | 'regression'): { name: string; score: ScoreFn } {
  if (typeof metric === 'function') return { name: metric.name || 'custom', score: metric };
  const classification = task !== 'regression';
  if (classification === (metric === 'r2' || metric === 'neg_mean_squared_error')) {
    throw new GlassboxError('invalid_argument', `metric '${metric}' does not apply to a ${task} model`, { argument: 'metric', hint: classification ? "Use 'accuracy', 'roc_auc' or 'neg_log_loss'." : "Use 'r2' or 'neg_mean_squared_error'." });
  }
  const score: ScoreFn = (labels, outputs, width) => {
    switch (metric) {
      case 'accuracy':
        return accuracy(Int32Array.from(labels), argmaxOfRows(outputs, outputs.length / width, width));
      case 'roc_auc':
        return rocAuc(Int32Array.from(labels), column(outputs, width, width - 1));
      case 'neg_log_loss':
        return -logLoss(Int32Array.from(labels), outputs);
      case 'r2':
        return r2Score(labels, Float64Array.from(outputs));
      case 'neg_mean_squared_error':
        return -meanSquaredError(labels, Float64Array.from(outputs));
    }
  };
  return { name: metric, score };
}

function column(outputs: Float32Array, width: number, k: number): Float64Array {
  const n = outputs.length / width;
  return Float64Array.from({ length: n }, (_, i) => outputs[i * width + k]!);
}
