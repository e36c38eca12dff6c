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
  clopperPearsonInterval,
  twoProportionZTest,
  welchTTest,
  summarize,
  permutationTest,
  bootstrapInterval,
  benjaminiHochberg,
  quantiles,
  intersectGroupings,
  countByGroup,
  confusionRates,
} from './stats/index.js';
export type { Alternative, TestResult, SampleSummary, PermutationTestOptions, BootstrapOptions, ConfidenceInterval, Grouping, ConfusionCounts, ConfusionRates } from './stats/index.js';
export { fitLogisticRegression, logisticDecision, logisticPredict, logisticProbabilities, type LogisticRegressionModel, type LogisticRegressionOptions } from './logistic-regression.js';
export { symmetricEigen } from './symmetric-eigen.js';
export { l1Path, type L1Path, type L1PathOptions, type L1Family } from './l1-path.js';
export {
  fitGaussianMixture,
  kMeansPlusPlus,
  mixtureLogLikelihood,
  mixtureParameterCount,
  mixturePredict,
  mixtureResponsibilities,
  sampleMixtureComponent,
  selectGaussianMixture,
  type CovarianceType,
  type GaussianMixture,
  type GaussianMixtureOptions,
  type MixtureSelection,
} from './gaussian-mixture.js';
export {
  fitDirichletProcessMixture,
  dirichletProcessPredict,
  dirichletProcessResponsibilities,
  expectedLogStickWeights,
  type DirichletProcessMixture,
  type DirichletProcessMixtureOptions,
} from './dirichlet-process-mixture.js';
