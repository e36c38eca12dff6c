import { binaryCurve, binaryTargets, matrixWidth } from './ranking.js';
import { checkLabels } from './validate.js';
import type { Labels, Scores, Weights } from './validate.js';

export interface RocAucOptions {
  readonly sampleWeight?: Weights;
  /** Class whose scores are given (binary; default 1). */
  readonly positiveClass?: number;
}

/**
 * Area under the ROC curve for binary labels and one score per row (sklearn.metrics.roc_auc_score).
 * The curve is built from distinct thresholds, so tied scores count one half, as with average ranks
 * (Mann–Whitney U / (n₊ n₋)). Undefined when only one class occurs in the labels: sklearn raises, here
 * the result is NaN so that a group audit can report it as "not computable" without aborting.
 */
export function rocAuc(labels: Labels, scores: Scores, options: RocAucOptions = {}): number {
  const positive = binaryTargets(labels, scores, options.sampleWeight, 'rocAuc', options.positiveClass ?? 1);
  const { tps, fps } = binaryCurve(positive, scores, options.sampleWeight);
  const m = tps.length;
  const totalP = tps[m - 1]!;
  const totalN = fps[m - 1]!;
  if (totalP === 0 || totalN === 0) return Number.NaN;
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (let i = 0; i < m; i++) {
    area += (fps[i]! - prevFp) * (tps[i]! + prevTp) * 0.5;
    prevTp = tps[i]!;
    prevFp = fps[i]!;
  }
  return area / (totalP * totalN);
}

/**
 * One-vs-rest multiclass ROC AUC from a row-major n × k probability matrix (sklearn roc_auc_score with
 * multi_class='ovr'): 'macro' is the unweighted mean over classes, 'weighted' weights by class prevalence.
 * Classes absent from the labels give NaN for their own AUC and are skipped in the mean.
 */
export function rocAucOvr(labels: Labels, probabilities: Scores, options: { sampleWeight?: Weights; average?: 'macro' | 'weighted' } = {}): number {
  const n = labels.length;
  checkLabels(labels, 'rocAucOvr');
  const k = matrixWidth(n, probabilities, 'rocAucOvr', 'probabilities');
  const column = new Float64Array(n);
  let sum = 0;
  let weightSum = 0;
  for (let c = 0; c < k; c++) {
    let prevalence = 0;
    for (let i = 0; i < n; i++) {
      column[i] = probabilities[i * k + c]!;
      if (labels[i] === c) prevalence += options.sampleWeight ? options.sampleWeight[i]! : 1;
    }
    const auc = rocAuc(labels, column, { positiveClass: c, ...(options.sampleWeight ? { sampleWeight: options.sampleWeight } : {}) });
    if (Number.isNaN(auc)) continue;
    const w = options.average === 'weighted' ? prevalence : 1;
    sum += w * auc;
    weightSum += w;
  }
  return weightSum === 0 ? Number.NaN : sum / weightSum;
}
