// Public numeric API: classification/regression metrics and statistics.
export {
  accuracy,
  balancedAccuracy,
  confusionMatrix,
  classCounts,
  precisionRecallF1,
  precision,
  recall,
  f1Score,
  rocAuc,
  rocAucOvr,
  averagePrecision,
  prAuc,
  logLoss,
  brierScore,
  brierScoreMulticlass,
  meanSquaredError,
  meanAbsoluteError,
  r2Score,
} from './metrics/index.js';
export type { Labels, Scores, Weights, ConfusionMatrix, ClassificationOptions, Averaging, PrecisionRecallOptions, PrecisionRecallF1, RocAucOptions, LogLossOptions } from './metrics/index.js';
export {
  normalCdf,
  normalQuantile,
  zCritical,
  studentTCdf,
  chiSquaredCdf,
  wilsonInterval,
  twoProportionZTest,
  welchTTest,
  summarize,
  permutationTest,
  bootstrapInterval,
  benjaminiHochberg,
  quantiles,
  intersectGroupings,
} from './stats/index.js';
export type { Alternative, TestResult, SampleSummary, PermutationTestOptions, BootstrapOptions, ConfidenceInterval, Grouping } from './stats/index.js';
