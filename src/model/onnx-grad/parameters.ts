import { Rng } from '../../rng.js';
import type { GraphIR } from './graph-ir.js';
import type { HostTensor } from './host-tensor.js';

/** A node that owns float weight initializers (Conv, Gemm, MatMul, BatchNormalization, …). */
export interface ParameterLayer {
  /** Node name. */
  readonly name: string;
  readonly opType: string;
  /** Initializer names it reads, weight first. */
  readonly parameters: readonly string[];
}

const PARAM_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'BatchNormalization', 'LayerNormalization', 'Add', 'Mul']);

/** Parameterised layers in graph order (input side first). */
export function parameterLayers(graph: GraphIR): ParameterLayer[] {
  const layers: ParameterLayer[] = [];
  for (const node of graph.nodes) {
    if (!PARAM_OPS.has(node.opType)) continue;
    const params = node.inputs.filter((name) => {
      const init = graph.initializers.get(name);
      return init !== undefined && init.dtype === 'float32' && init.data.length > 1;
    });
    if (params.length > 0) layers.push({ name: node.name, opType: node.opType, parameters: params });
  }
  return layers;
}

/**
 * Re-initialised weights for the named layers, drawn from PyTorch's default init for Linear/Conv:
 * U(−1/√fan_in, +1/√fan_in) for weights and biases alike (fan_in from the layer's weight). Seeded;
 * parameters of other layers are left as they are. BatchNormalization statistics stay put
 * (scale and shift are redrawn), so the layer remains well-defined.
 */
export function randomizedWeights(graph: GraphIR, layers: readonly string[], seed: number, current: ReadonlyMap<string, HostTensor>): Map<string, HostTensor> {
  const rng = new Rng(seed);
  const out = new Map<string, HostTensor>();
  for (const [name, t] of current) if (graph.initializers.has(name)) out.set(name, t);
  const wanted = new Set(layers);
  for (const layer of parameterLayers(graph)) {
    if (!wanted.has(layer.name)) continue;
    const weight = current.get(layer.parameters[0]!)!;
    const fanIn = weight.shape.length >= 2 ? weight.shape.slice(1).reduce((a, b) => a * b, 1) : weight.data.length;
    const bound = 1 / Math.sqrt(Math.max(1, fanIn));
    const names = layer.opType === 'BatchNormalization' ? layer.parameters.slice(0, 2) : layer.parameters;
    for (const name of names) {
      const t = current.get(name)!;
      const data = new Float32Array(t.data.length);
      for (let i = 0; i < data.length; i++) data[i] = (2 * rng.next() - 1) * bound;
      out.set(name, { dtype: 'float32', shape: t.shape, data });
    }
  }
  return out;
}
