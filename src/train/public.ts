export { fit } from './fit.js';
export { parameterGradients } from './gradients.js';
export { composeLoss, crossEntropy, squaredError, taskLossFor, weightedMean } from './losses.js';
export { gaussianMmd, gaussianKernelMatrix, outputL2, weightedMmdSquared, type MmdOptions } from './penalties.js';
export { createOptimizer, resolveOptimizer } from './optimizers.js';
export { concatBatches, gatherBatch } from './batches.js';
export { graphLossGradients, mixIn, type MixInOptions } from './transforms.js';
export { loadTrainableOnnx, TrainableOnnxModel, type TrainableOnnxOptions } from './onnx-trainable.js';
export { loadTrainableModel, type LoadTrainableOptions } from './load.js';
export { defaultTrainableInitializers } from './onnx-parameters.js';
export type {
  BatchTransform,
  EarlyStopping,
  EpochRecord,
  HostBatch,
  Loss,
  LossContext,
  LossParts,
  LossTerm,
  Monitor,
  OptimizerSpec,
  RowMeta,
  TrainingData,
  TrainingOptions,
  TrainingProgress,
  TrainingResult,
  TransformContext,
  ValidationSpec,
} from './types.js';
