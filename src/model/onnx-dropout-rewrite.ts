import onnxProto from 'onnx-proto';
import { GlassboxError } from '../errors.js';
import { tensorFromProto, toNumber } from './onnx-grad/host-tensor.js';

const { onnx } = onnxProto;

/** One Dropout node of an ONNX graph, replaced by `Mul(input, mask)` with the mask fed as a graph input. */
export interface DropoutSite {
  /** The Dropout node's name (or `Dropout_<index>`). */
  readonly node: string;
  /** The tensor the Dropout node takes. */
  readonly input: string;
  /** The tensor it produces (its first output). */
  readonly output: string;
  /** Drop probability p (ONNX `ratio`; default 0.5). */
  readonly rate: number;
  /** The graph input that carries the mask in the rewritten graph. */
  readonly maskInput: string;
}

export interface DropoutRewrite {
  readonly sites: readonly DropoutSite[];
  /** The graph with every Dropout replaced by `Mul(input, mask_k)`; masks are extra float inputs shaped like each Dropout's input. */
  readonly masked: Uint8Array;
  /** The original graph with every Dropout's input added as a graph output (to read the mask shapes). */
  readonly probe: Uint8Array;
}

/** Whether the bytes may hold a Dropout node (a cheap scan before decoding). */
export function mayHaveDropout(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf('Dropout') >= 0;
}

/**
 * Rewrites each Dropout node of an ONNX model into `Mul(x, mask)`, the mask being a new graph input, so
 * that MC dropout (Gal & Ghahramani 2016) runs in onnxruntime with masks drawn from glassbox's seeded
 * generator: onnxruntime's own training-mode Dropout draws from a generator held by the kernel, so its
 * masks depend on the session's history and on how rows are batched, and cannot be reproduced per pass.
 * The ratio is read from the `ratio` attribute (opset < 12) or the second input (an initializer or a
 * Constant, opset ≥ 12); a Dropout whose mask output is used, or whose ratio is computed, is refused.
 * Returns undefined when the graph has no Dropout.
 */
export function rewriteDropout(bytes: Uint8Array, source: string): DropoutRewrite | undefined {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) return undefined;
  const nodes = graph.node ?? [];
  const used = new Set<string>();
  for (const node of nodes) for (const input of node.input ?? []) used.add(input);
  for (const output of graph.output ?? []) used.add(output.name ?? '');
  const constants = constantValues(graph);
  const opset = toNumber(model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 13);
  const sites: DropoutSite[] = [];
  const rewritten = nodes.map((node, index) => {
    if (node.opType !== 'Dropout' || (node.domain && node.domain !== 'ai.onnx')) return node;
    const name = node.name || `Dropout_${index}`;
    const mask = node.output?.[1];
    if (mask && used.has(mask)) {
      throw new GlassboxError('unsupported_model', `${source}: the mask output of Dropout node "${name}" is used by the graph, so it cannot be rewritten for MC dropout`, { file: source, hint: 'Export the model without consuming the Dropout mask.' });
    }
    const rate = dropoutRate(node, opset, constants, source, name);
    const site: DropoutSite = { node: name, input: node.input![0]!, output: node.output![0]!, rate, maskInput: `glassbox_mc_dropout_mask_${sites.length}` };
    sites.push(site);
    return onnx.NodeProto.create({ opType: 'Mul', name: `${name}_mc_mask`, input: [site.input, site.maskInput], output: [site.output] });
  });
  if (sites.length === 0) return undefined;
  // ratio constants only the Dropout nodes read would be left dangling (onnxruntime warns about them)
  const stillUsed = new Set<string>();
  for (const node of rewritten) for (const input of node.input ?? []) stillUsed.add(input);
  const ratios = new Set(nodes.filter((n) => n.opType === 'Dropout').flatMap((n) => n.input?.slice(1) ?? []));
  const initializer = (graph.initializer ?? []).filter((init) => !ratios.has(init.name ?? '') || stillUsed.has(init.name ?? ''));
  const anyShape = (name: string): onnxProto.onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: 1 } } });
  const masked = onnx.ModelProto.create({ ...model, graph: { ...graph, node: rewritten, initializer, input: [...(graph.input ?? []), ...sites.map((s) => anyShape(s.maskInput))] } });
  const probe = onnx.ModelProto.create({ ...model, graph: { ...graph, output: [...(graph.output ?? []), ...sites.map((s) => anyShape(s.input))] } });
  return { sites, masked: onnx.ModelProto.encode(masked).finish(), probe: onnx.ModelProto.encode(probe).finish() };
}

function constantValues(graph: onnxProto.onnx.IGraphProto): Map<string, onnxProto.onnx.ITensorProto> {
  const values = new Map<string, onnxProto.onnx.ITensorProto>();
  for (const init of graph.initializer ?? []) if (init.name) values.set(init.name, init);
  for (const node of graph.node ?? []) {
    const value = node.opType === 'Constant' ? node.attribute?.find((a) => a.name === 'value')?.t : undefined;
    if (value && node.output?.[0]) values.set(node.output[0], value);
  }
  return values;
}

function dropoutRate(node: onnxProto.onnx.INodeProto, opset: number, constants: Map<string, onnxProto.onnx.ITensorProto>, source: string, name: string): number {
  let rate = 0.5;
  if (opset < 12) {
    const attr = node.attribute?.find((a) => a.name === 'ratio');
    if (attr) rate = attr.f ?? 0.5;
  } else if (node.input?.[1]) {
    const proto = constants.get(node.input[1]);
    if (!proto) {
      throw new GlassboxError('unsupported_model', `${source}: the ratio of Dropout node "${name}" is computed in the graph ("${node.input[1]}"), not a constant`, { file: source, hint: 'Export the model with a constant dropout ratio.' });
    }
    rate = Number(tensorFromProto(proto).data[0]);
  }
  if (!(rate >= 0 && rate < 1)) {
    throw new GlassboxError('unsupported_model', `${source}: Dropout node "${name}" has ratio ${rate}; MC dropout needs 0 ≤ ratio < 1`, { file: source });
  }
  return rate;
}
