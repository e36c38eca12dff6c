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

/**
 * Pre-activation neurons: inputs of relaxed ops (ReLU, MaxPool) that are not themselves outputs of one
 * (a max-pool after a ReLU adds nothing). CROWN's cost grows with them; the reference MNIST CNN has
 * 6,272 + 3,136 + 64.
 */
export function relaxedNeurons(graph: BoundGraph): number {
  const counted = new Set<number>();
  for (const node of graph.nodes) {
    if (!node.rule?.nonlinear) continue;
    const input = graph.nodes[node.inputs[0]!]!;
    if (!input.rule?.nonlinear) counted.add(input.id);
  }
  let total = 0;
  for (const id of counted) total += graph.nodes[id]!.size;
  return total;
}
