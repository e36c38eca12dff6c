export { magnitudePrune, applyMasks, type MagnitudePruneOptions, type PruneResult } from './magnitude-prune.js';
export { channelPrune, type ChannelPruneOptions } from './channel-prune.js';
export { quantizeWeights, type QuantizeOptions, type QuantizeResult, type QuantizedWeight } from './quantize.js';
export { selectWeights, sparsityOf } from './prunable.js';
export { compressModel, type CompressedModel, type CompressionSpec, type CompressionSummary, type CompressOptions } from './compress-model.js';
export { compressPopulation, populationPredictions, type CompressPopulationOptions, type PopulationFineTuneOptions } from './population.js';
export { findPies, modal, type PieConcentration, type PieGrouping, type PieInputs, type PieResult, type PopulationAccuracy, type TopLine } from './pies.js';
