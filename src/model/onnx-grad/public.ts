export { loadOnnxGradModel } from './load.js';
export { OnnxGradModel, type OnnxGradOptions, type GradientCallOptions, type OutputSpace } from './adapter.js';
export { OnnxInterpreter, SUPPORTED_OPS, type RunOptions } from './interpreter.js';
export { decodeOnnx, type GraphIR, type NodeIR, type ValueInfoIR } from './graph-ir.js';
export { parameterLayers, randomizedWeights, type ParameterLayer } from './parameters.js';
export { maxPoolBackward } from './kernels/max-pool-backward.js';
export { smallCnnOnnx, type SmallCnnWeights } from './small-cnn.js';
export { floatInitializerNames, replaceInitializers } from './write-initializers.js';
