import { readFile } from 'node:fs/promises';
import type { Differentiable } from '../model/capabilities.js';

/** Ops whose outputs are a network's representations by default (after the nonlinearity or pooling). */
const REPRESENTATION_OPS = new Set(['Relu', 'LeakyRelu', 'Gelu', 'Sigmoid', 'Tanh', 'Elu', 'Selu', 'MaxPool', 'AveragePool', 'GlobalAveragePool']);

/**
 * The layers a representation command reads when --layers is not given. ONNX: the outputs of activation
 * and pooling nodes, then the graph output; TF.js: every named layer.
 */
export async function defaultLayers(location: string, model: Pick<Differentiable, 'layerNames'>): Promise<string[]> {
  if (!location.toLowerCase().endsWith('.onnx')) return [...model.layerNames];
  const { tensorProducers } = await import('../model/onnx-graph.js');
  const producers = tensorProducers(await readFile(location));
  const picked = model.layerNames.filter((name) => REPRESENTATION_OPS.has(producers.get(name) ?? ''));
  const last = model.layerNames[model.layerNames.length - 1];
  return [...picked, ...(last && !picked.includes(last) ? [last] : [])];
}
