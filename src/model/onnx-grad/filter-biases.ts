import type { GraphIR } from './graph-ir.js';

/**
 * The bias initializer added to each filter bank's output, read from the graph rather than from names:
 * a Conv/ConvTranspose's third input, or an Add of an initializer straight after a bias-less Conv (as some
 * converters split it). Maps weight initializer → bias initializer.
 */
export function graphFilterBiases(graph: GraphIR, initializers: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  const consumers = new Map<string, string[]>();
  for (const node of graph.nodes) {
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node.opType]);
  }
  const addsByInput = new Map<string, readonly string[]>();
  for (const node of graph.nodes) if (node.opType === 'Add') for (const input of node.inputs) addsByInput.set(input, node.inputs);
  for (const node of graph.nodes) {
    if (node.opType !== 'Conv' && node.opType !== 'ConvTranspose') continue;
    const weight = node.inputs[1];
    if (!weight || !initializers.has(weight)) continue;
    const bias = node.inputs[2];
    if (bias && initializers.has(bias)) {
      out.set(weight, bias);
      continue;
    }
    const output = node.outputs[0]!;
    const add = consumers.get(output)?.length === 1 ? addsByInput.get(output) : undefined;
    const addend = add?.find((input) => input !== output && initializers.has(input));
    if (addend) out.set(weight, addend);
  }
  return out;
}
