import { rocAuc } from '../../math/metrics/roc-auc.js';
import type { PredictiveSummaries } from './summaries.js';

/**
 * How well the uncertainty of a predictive distribution separates its wrong predictions from its right
 * ones (no calibration metric involved): accuracy of argmax p̄, the mean predictive entropy on correct and
 * on wrong rows, and the AUROC of entropy and of mutual information as scores for "this prediction is
 * wrong" (0.5 = no better than chance; ties count one half).
 */
export interface UncertaintyVsErrors {
  readonly n: number;
  readonly accuracy: number;
  readonly errors: number;
  readonly meanEntropyCorrect: number | null;
  readonly meanEntropyWrong: number | null;
  readonly meanMutualInformationCorrect: number | null;
  readonly meanMutualInformationWrong: number | null;
  /** null when every prediction is right or every one is wrong. */
  readonly errorAurocEntropy: number | null;
  readonly errorAurocMutualInformation: number | null;
}

/** Compares uncertainty with errors; rows whose label is negative (unlabelled) are skipped. */
export function uncertaintyVsErrors(s: PredictiveSummaries, labels: ArrayLike<number>): UncertaintyVsErrors {
  const wrong: number[] = [];
  const entropy: number[] = [];
  const mi: number[] = [];
  for (let i = 0; i < s.rows; i++) {
    const y = labels[i]!;
    if (!(y >= 0)) continue;
    wrong.push(s.predicted[i] === y ? 0 : 1);
    entropy.push(s.entropy[i]!);
    mi.push(s.mutualInformation[i]!);
  }
  const n = wrong.length;
  const errors = wrong.reduce((a, b) => a + b, 0);
  const meanWhere = (values: number[], flag: number): number | null => {
    let sum = 0;
    let count = 0;
    values.forEach((v, i) => {
      if (wrong[i] === flag) {
        sum += v;
        count++;
      }
    });
    return count === 0 ? null : sum / count;
  };
  const auc = (scores: number[]): number | null => (errors === 0 || errors === n ? null : rocAuc(Float64Array.from(wrong), Float64Array.from(scores)));
  return {
    n,
    accuracy: n === 0 ? Number.NaN : 1 - errors / n,
    errors,
    meanEntropyCorrect: meanWhere(entropy, 0),
    meanEntropyWrong: meanWhere(entropy, 1),
    meanMutualInformationCorrect: meanWhere(mi, 0),
    meanMutualInformationWrong: meanWhere(mi, 1),
    errorAurocEntropy: auc(entropy),
    errorAurocMutualInformation: auc(mi),
  };
}
