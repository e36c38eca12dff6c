import { GlassboxError } from '../../errors.js';
import type { GraphIR } from '../../model/onnx-grad/graph-ir.js';
import type { BoundGraph } from './bound-graph.js';
import { boundGraphFromOnnx } from './from-onnx.js';
import { boundGraphFromTfjs, type TfjsSequentialLike } from './from-tfjs.js';

interface WithGraph {
  readonly graphIR: GraphIR;
  readonly hasOriginalWeights?: boolean;
}

/**
 * The bound graph of a loaded model, asked structurally: an ONNX model that exposes its decoded graph
 * (the gradient adapter), or a TF.js Sequential network. Returns a sentence saying why not otherwise,
 * including the op that has no bound rule.
 */
export function boundGraphOfModel(model: object, inputDims: readonly number[]): BoundGraph | string {
  try {
    const onnx = model as Partial<WithGraph>;
    if (onnx.graphIR) {
      if (onnx.hasOriginalWeights === false) return 'the model runs swapped-in weights that its ONNX graph does not hold';
      return boundGraphFromOnnx(onnx.graphIR, inputDims);
    }
    const layers = (model as { model?: Partial<TfjsSequentialLike> }).model;
    if (layers && typeof layers.getClassName === 'function' && Array.isArray(layers.layers)) return boundGraphFromTfjs(layers as TfjsSequentialLike, inputDims);
  } catch (error) {
    if (error instanceof GlassboxError && (error.code === 'unsupported_model' || error.code === 'shape_mismatch')) return error.message;
    throw error;
  }
  return 'needs a network whose layers can be read: an ONNX model (loaded through the gradient engine) or a TF.js Sequential model';
}

/** Inputs of relaxed ops (ReLU, MaxPool): the neurons CROWN bounds one by one, a measure of its cost. */
export function relaxedNeurons(graph: BoundGraph): number {
  let total = 0;
  for (const node of graph.nodes) if (node.rule?.nonlinear) total += graph.nodes[node.inputs[0]!]!.size;
  return total;
}
