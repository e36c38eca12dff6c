// Selective prediction: abstain on the least confident rows (risk–coverage, AURC).
export { riskCoverage, optimalAurc, DEFAULT_COVERAGES } from './risk-coverage.js';
export type { RiskCoverage, AccuracyAtCoverage } from './risk-coverage.js';
export { riskCoverageOfProbabilities } from './from-probabilities.js';
