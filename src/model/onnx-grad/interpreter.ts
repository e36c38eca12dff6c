import { GlassboxError } from '../../errors.js';
import type { GraphIR, NodeIR } from './graph-ir.js';
import { makeHostTensor, type HostTensor } from './host-tensor.js';
import { OpContext, type OpFn, type T, type TF, type Val } from './op-context.js';
import { convPoolOps } from './ops/conv-pool.js';
import { elementwiseOps, LAYOUT_AGNOSTIC } from './ops/elementwise.js';
import { reduceResizeOps } from './ops/reduce-resize.js';
import { shapeOps } from './ops/shape-ops.js';

const OPS: Record<string, OpFn> = { ...elementwiseOps, ...convPoolOps, ...shapeOps, ...reduceResizeOps };

/** Op types the interpreter implements (default ONNX domain). */
export const SUPPORTED_OPS: readonly string[] = [...Object.keys(OPS), 'Constant'].sort();

export interface RunOptions {
  /** Tensor names to return (graph/NCHW layout). */
  readonly outputs: readonly string[];
  /** Values that replace named intermediate tensors; the nodes that produced them are skipped. */
  readonly overrides?: ReadonlyMap<string, T>;
  /** Replace every Relu's backward pass by the guided-backprop rule. */
  readonly guidedRelu?: boolean;
}

function constantValue(node: NodeIR): HostTensor {
  const t = node.attrs.get('value');
  if (t !== undefined && typeof t === 'object' && 'dtype' in t) return t;
  const f = node.attrs.get('value_float');
  if (typeof f === 'number') return makeHostTensor('float32', [], [f]);
  const fs = node.attrs.get('value_floats');
  if (Array.isArray(fs)) return makeHostTensor('float32', [fs.length], fs as number[]);
  const i = node.attrs.get('value_int');
  if (typeof i === 'number') return makeHostTensor('int32', [], [i]);
  const is = node.attrs.get('value_ints');
  if (Array.isArray(is)) return makeHostTensor('int32', [is.length], is as number[]);
  throw new GlassboxError('unsupported_model', `ONNX node '${node.name}' (Constant) has no supported value attribute.`, { node: node.name, hint: 'Use a tensor, float(s) or int(s) constant.' });
}

/** Throws `unsupported_model` naming the first node whose op the interpreter cannot run. */
export function checkSupportedOps(graph: GraphIR): void {
  for (const node of graph.nodes) {
    if (node.domain && node.domain !== 'ai.onnx') {
      throw new GlassboxError('unsupported_model', `ONNX node '${node.name}' uses op ${node.domain}.${node.opType}, a custom domain the gradient interpreter does not support.`, { node: node.name, opType: node.opType, hint: 'Export with standard ONNX ops only.' });
    }
    if (node.opType !== 'Constant' && !OPS[node.opType]) {
      throw new GlassboxError('unsupported_model', `ONNX op ${node.opType} (node '${node.name}') is not supported by the gradient interpreter.`, {
        node: node.name,
        opType: node.opType,
        hint: `Supported ops: ${SUPPORTED_OPS.join(', ')}. Use onnxruntime for plain predictions, or re-export without this op.`,
      });
    }
  }
}

/** Initializers (with `overrides` replacing some) and the values of Constant nodes, on the host. */
export function graphConstants(graph: GraphIR, overrides: ReadonlyMap<string, HostTensor> = new Map()): Map<string, HostTensor> {
  const constants = new Map<string, HostTensor>();
  for (const [name, host] of graph.initializers) constants.set(name, overrides.get(name) ?? host);
  for (const node of graph.nodes) if (node.opType === 'Constant') constants.set(node.outputs[0] ?? '', constantValue(node));
  return constants;
}

/** Every tensor produced by a node other than Constant, in graph order. */
export function graphTensorNames(graph: GraphIR): string[] {
  return graph.nodes.filter((n) => n.opType !== 'Constant').flatMap((n) => n.outputs.filter((o) => o !== ''));
}

/**
 * Runs an ONNX graph with tfjs ops so that tfjs autodiff can differentiate it. Construction checks
 * every node's op type up front; weights live in tfjs tensors owned by the interpreter (dispose()).
 * `run` must be called inside the caller's tf.tidy / tf.grad scope.
 */
export class OnnxInterpreter {
  readonly constants = new Map<string, HostTensor>();
  private readonly weights = new Map<string, T>();
  private readonly producer = new Map<string, number>();
  private readonly plans = new Map<string, readonly NodeIR[]>();

  constructor(
    readonly tf: TF,
    readonly graph: GraphIR,
    weightOverrides: ReadonlyMap<string, HostTensor> = new Map(),
  ) {
    checkSupportedOps(graph);
    for (const [name, host] of graphConstants(graph, weightOverrides)) this.constants.set(name, host);
    graph.nodes.forEach((node, index) => {
      for (const out of node.outputs) if (out) this.producer.set(out, index);
    });
    for (const [name, host] of this.constants) this.weights.set(name, tf.keep(tf.tensor(host.data, [...host.shape], host.dtype)));
  }

  /** All tensor names produced by nodes, in graph order (candidates for activations and layer gradients). */
  get tensorNames(): string[] {
    return graphTensorNames(this.graph);
  }

  /** The nodes needed to compute `outputs` given the provided names, in topological order. */
  private plan(outputs: readonly string[], provided: ReadonlySet<string>): readonly NodeIR[] {
    const key = `${outputs.join('\u0000')}\u0001${[...provided].sort().join('\u0000')}`;
    const cached = this.plans.get(key);
    if (cached) return cached;
    const needed = new Set<number>();
    const stack = [...outputs];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (provided.has(name) || this.weights.has(name)) continue;
      const index = this.producer.get(name);
      if (index === undefined) {
        throw new GlassboxError('invalid_argument', `Tensor '${name}' is neither a graph input nor produced by any node.`, { argument: name, hint: `Known tensors: ${this.tensorNames.slice(0, 30).join(', ')}` });
      }
      if (needed.has(index)) continue;
      needed.add(index);
      for (const input of this.graph.nodes[index]!.inputs) if (input) stack.push(input);
    }
    const plan = [...needed].sort((a, b) => a - b).map((i) => this.graph.nodes[i]!);
    this.plans.set(key, plan);
    return plan;
  }

  /** Evaluates the graph for the given feeds; returns the requested tensors in NCHW layout. */
  run(feeds: Readonly<Record<string, T>>, options: RunOptions): Map<string, T> {
    const tf = this.tf;
    const env = new Map<string, Val>();
    for (const [name, t] of this.weights) env.set(name, { t, nhwc: false });
    for (const [name, t] of Object.entries(feeds)) env.set(name, { t, nhwc: false });
    for (const [name, t] of options.overrides ?? []) env.set(name, { t, nhwc: false });
    const provided = new Set([...Object.keys(feeds), ...(options.overrides?.keys() ?? [])]);
    for (const node of this.plan(options.outputs, provided)) {
      const vals = node.inputs.map((name) => (name ? env.get(name) : undefined));
      const agnostic = LAYOUT_AGNOSTIC.has(node.opType) && vals[0]?.nhwc === true;
      const ctxVals = agnostic ? vals.map((v, i) => (i === 0 && v ? { t: v.t, nhwc: false } : v)) : vals;
      const ctx = new OpContext(tf, node, this.graph.opset, ctxVals, options.guidedRelu === true, this.constants);
      const results = OPS[node.opType]!(ctx);
      node.outputs.forEach((name, i) => {
        const r = results[i];
        if (!name || r === undefined) return;
        if (options.overrides?.has(name)) return;
        const val: Val = 'nhwc' in r ? r : { t: r, nhwc: false };
        env.set(name, agnostic && !('nhwc' in r) ? { t: val.t, nhwc: true } : val);
      });
    }
    const out = new Map<string, T>();
    for (const name of options.outputs) {
      const v = env.get(name);
      if (!v) throw new GlassboxError('internal', `Tensor '${name}' was not computed.`);
      out.set(name, v.nhwc ? tf.transpose(v.t, [0, 3, 1, 2]) : v.t);
    }
    return out;
  }

  dispose(): void {
    for (const t of this.weights.values()) t.dispose();
    this.weights.clear();
  }
}
