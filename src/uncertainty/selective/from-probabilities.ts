import { riskCoverage, type RiskCoverage } from './risk-coverage.js';

/**
 * The risk–coverage curve of abstaining on rows whose maximum class probability is lowest; a row is
 * correct when its arg-max class (ties: lower index) is its label.
 */
export function riskCoverageOfProbabilities(probs: ArrayLike<number>, k: number, labels: ArrayLike<number>, coverages?: readonly number[]): RiskCoverage {
  const n = labels.length;
  const confidence = new Float64Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c]! > probs[i * k + best]!) best = c;
    confidence[i] = probs[i * k + best]!;
    correct[i] = best === labels[i] ? 1 : 0;
  }
  return riskCoverage(confidence, correct, coverages ? { coverages } : {});
}
