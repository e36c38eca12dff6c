// Conformal prediction: split-conformal sets (LAC, APS, RAPS; marginal, class- or group-conditional) and intervals.
export { conformalQuantile, conformalQuantilesByBin, conformalRank } from './quantile.js';
export type { ConformalQuantile } from './quantile.js';
export { CONFORMAL_SCORES, RAPS_DEFAULT_LAMBDA, RAPS_DEFAULT_K_REG } from './scores.js';
export type { ConformalScore, ScoreOptions } from './scores.js';
export { calibrateConformalClassifier, predictSets, setOf } from './split-conformal.js';
export type { ConformalClassifier, ConformalClassifierOptions, ConformalConditioning, PredictionSets } from './split-conformal.js';
export { setCoverage, coverageByGroup } from './coverage.js';
export type { CoverageSummary, GroupCoverage } from './coverage.js';
export { absoluteResidualIntervals, cqrIntervals, intervalCoverage } from './regression.js';
export type { ConformalIntervals, QuantilePredictions } from './regression.js';
export { evaluateConformal } from './evaluate.js';
export type { ConformalEvaluation, ConformalEvaluationInput, GroupingCoverage, RowGrouping as ConformalRowGrouping } from './evaluate.js';
export { conformalBlocks, coverageChartSpec, coverageTable, chartRows, describeThreshold, riskCoverageSpec } from './blocks.js';
export type { GroupChartRow } from './blocks.js';
export { conformalSplit } from './conformal-split.js';
