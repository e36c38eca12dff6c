import { GlassboxError } from '../../errors.js';
import { matrixWidth } from './ranking.js';
import { checkFinite, checkLabels, checkWeights, weightAt } from './validate.js';
import type { Labels, Scores, Weights } from './validate.js';

export interface LogLossOptions {
  readonly sampleWeight?: Weights;
  /** Probabilities are clipped to [eps, 1 − eps] (sklearn 1.2 default 1e-15). */
  readonly eps?: number;
}

/**
 * Cross-entropy −(1/W) Σ wᵢ log p(yᵢ | xᵢ) (sklearn.metrics.log_loss, 1.2 semantics: clip to [eps, 1 − eps],
 * then renormalise each row to sum 1). `probabilities` is either one P(positive) per row (binary) or a
 * row-major n × k matrix. Labels must be class indices below k.
 */
export function logLoss(labels: Labels, probabilities: Scores, options: LogLossOptions = {}): number {
  const metric = 'logLoss';
  const n = labels.length;
  const kSeen = checkLabels(labels, metric);
  checkFinite(probabilities, metric, 'probabilities');
  const total = checkWeights(n, options.sampleWeight, metric);
  const k = matrixWidth(n, probabilities, metric, 'probabilities');
  const eps = options.eps ?? 1e-15;
  const width = k === 1 ? 2 : k;
  if (kSeen > width) {
    throw new GlassboxError('shape_mismatch', `${metric}: labels go up to class ${kSeen - 1} but probabilities have ${width} columns.`, {
      argument: 'probabilities',
      hint: 'Give one probability column per class (or one P(positive) per row for binary labels).',
    });
  }
  const clip = (p: number): number => (p < eps ? eps : p > 1 - eps ? 1 - eps : p);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    let rowSum = 0;
    let own = 0;
    if (k === 1) {
      const p = probabilities[i]!;
      rowSum = clip(1 - p) + clip(p);
      own = y === 1 ? clip(p) : clip(1 - p);
    } else {
      for (let c = 0; c < k; c++) rowSum += clip(probabilities[i * k + c]!);
      own = clip(probabilities[i * k + y]!);
    }
    sum -= weightAt(options.sampleWeight, i) * Math.log(own / rowSum);
  }
  return sum / total;
}
