export { certifyRobustness, inputBox, type CertifyOptions, type CertifyResult } from './certify.js';
export { boundGraphFromOnnx, SUPPORTED_ONNX_OPS } from './from-onnx.js';
export { propagateBounds, crownPlan, type BoundMethod, type OutputBounds, type CrownPlan } from './propagate.js';
export type { BoundGraph, BoundNode, BoundRule, Bounds, Shape3, Window, BackwardContext } from './bound-graph.js';
export { certifyBlocks } from './blocks.js';
export { boundGraphFromTfjs, type TfjsSequentialLike, type TfjsLayerLike } from './from-tfjs.js';
export { boundGraphOfModel, relaxedNeurons } from './graph-of-model.js';
