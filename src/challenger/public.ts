export { compareChallengers, CHALLENGER_KINDS } from './compare.js';
export type { ChallengerComparison, ChallengerInputs, ChallengerKind, ChallengerOptions, ChallengerResult, LinearCoefficient } from './compare.js';
export { pairedDifferences, binaryMetrics } from './paired-bootstrap.js';
export type { PairedDifference, BinaryMetrics, ComparedMetric } from './paired-bootstrap.js';
export { challengerBlocks } from './blocks.js';
export { shapeFunctionBlock, pairHeatmapBlock } from './shape-charts.js';
