import type { GraphIR } from '../model/onnx-grad/graph-ir.js';

/** Inputs of each op that hold learned weights when they are initializers. */
const WEIGHT_INPUTS: Readonly<Record<string, readonly number[]>> = {
  Conv: [1, 2],
  ConvTranspose: [1, 2],
  Gemm: [0, 1, 2],
  MatMul: [0, 1],
  BatchNormalization: [1, 2],
  LayerNormalization: [1, 2],
  InstanceNormalization: [1, 2],
  PRelu: [1],
  Gather: [0],
};

/** Ops whose output a bias is added to (PyTorch exports Linear as MatMul + Add). */
const BIASED = new Set(['MatMul', 'Gemm', 'Conv', 'ConvTranspose']);

/**
 * The float32 initializers fine-tuning updates by default: weights and biases of Conv, Gemm, MatMul,
 * embedding tables (Gather), the scale and shift of normalisation layers (never BatchNormalization's
 * running statistics), and a constant added to a MatMul/Gemm/Conv output (a bias). Constants such as
 * shapes, axes, clip bounds or the 1 in 1 − x stay fixed.
 */
export function defaultTrainableInitializers(graph: GraphIR, floatNames: ReadonlySet<string>): string[] {
  const producer = new Map<string, string>();
  for (const node of graph.nodes) for (const out of node.outputs) producer.set(out, node.opType);
  const chosen = new Set<string>();
  const take = (name: string | undefined): void => {
    if (name && floatNames.has(name) && graph.initializers.has(name)) chosen.add(name);
  };
  for (const node of graph.nodes) {
    for (const i of WEIGHT_INPUTS[node.opType] ?? []) take(node.inputs[i]);
    if (node.opType === 'Add' && node.inputs.length === 2) {
      const [a, b] = node.inputs;
      if (a && b && BIASED.has(producer.get(a) ?? '')) take(b);
      if (a && b && BIASED.has(producer.get(b) ?? '')) take(a);
    }
  }
  return [...graph.initializers.keys()].filter((name) => chosen.has(name));
}
