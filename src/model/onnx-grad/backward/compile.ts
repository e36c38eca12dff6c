import onnxProto from 'onnx-proto';
import { GlassboxError } from '../../../errors.js';
import type { GraphIR, NodeIR } from '../graph-ir.js';
import type { HostTensor } from '../host-tensor.js';
import { GraphEmitter, ONNX_FLOAT } from './emitter.js';
import { emitCrossEntropyHead, LABELS_INPUT, LOSS_OUTPUT, type LossSpec } from './loss-head.js';
import { noRule, numberAttr, type BackwardRule, type RuleContext } from './rule.js';
import { elementwiseRules } from './rules-elementwise.js';
import { extraRules } from './rules-extra.js';
import { linearRules } from './rules-linear.js';
import { poolShapeRules } from './rules-pool-shape.js';

const { onnx } = onnxProto;

const castRule: BackwardRule = (ctx, g) => (numberAttr(ctx.node, 'to', 0) === ONNX_FLOAT ? [g] : noRule(ctx, 'cast to a non-float type'));

const RULES: Record<string, BackwardRule> = { ...elementwiseRules, ...linearRules, ...poolShapeRules, ...extraRules, Cast: castRule };

/** Ops whose outputs carry no gradient (shapes, comparisons, indices): paths through them are cut. */
const NON_DIFFERENTIABLE = new Set(['Shape', 'Size', 'ConstantOfShape', 'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'Not', 'And', 'Or', 'ArgMax', 'ArgMin', 'NonZero', 'Floor', 'Ceil', 'Round', 'Sign', 'Range']);

/** Op types with a backward rule (the others send the whole graph to the tfjs interpreter). */
export const BACKWARD_OPS: readonly string[] = Object.keys(RULES).sort();

export interface GradientGraphSpec {
  /** Tensor differentiated against: the graph input or any intermediate tensor. */
  readonly source: string;
  /** Tensor whose seed-weighted sum is differentiated (the head's logits tensor). */
  readonly target: string;
  readonly guided: boolean;
  /**
   * Differentiate a loss of the target instead of Σ seed ⊙ target: the model then takes one-hot
   * labels (LABELS_INPUT) in place of the seed and also returns the per-row loss (LOSS_OUTPUT).
   */
  readonly loss?: LossSpec;
}

export interface GraphFacts {
  readonly graph: GraphIR;
  /** Shapes of every tensor at batch size 2. */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  readonly constants: ReadonlyMap<string, HostTensor>;
}

/** Names of the compiled model's extra input and outputs. */
export const SEED_INPUT = 'glassbox_seed';
export const GRADIENT_OUTPUT = 'glassbox_gradient';

function forwardReachable(graph: GraphIR, source: string): Set<string> {
  const reached = new Set([source]);
  for (const node of graph.nodes) {
    if (NON_DIFFERENTIABLE.has(node.opType)) continue;
    if (node.inputs.some((i) => i && reached.has(i))) for (const o of node.outputs) if (o) reached.add(o);
  }
  return reached;
}

function shapeLookup(facts: GraphFacts): (name: string) => readonly number[] {
  return (name) => {
    const shape = facts.shapes.get(name);
    if (!shape) throw new GlassboxError('unsupported_model', `No static shape is known for tensor '${name}'.`, { hint: 'Gradients for this graph are computed by the tfjs interpreter instead.' });
    return shape;
  };
}

/**
 * Emits the reverse-mode gradient of Σ seed ⊙ target with respect to `source` as ONNX nodes
 * (rules per op in rules-*.ts), accumulating gradients of tensors used more than once with Sum.
 * Throws `unsupported_model` when a node on the path has no rule.
 */
export function emitBackward(facts: GraphFacts, spec: GradientGraphSpec, e: GraphEmitter, extraForwardOutputs = new Map<string, string[]>(), seedName = SEED_INPUT): string {
  const reached = forwardReachable(facts.graph, spec.source);
  if (!reached.has(spec.target)) {
    throw new GlassboxError('invalid_argument', `The output does not depend on tensor '${spec.source}'.`, { argument: 'layer', hint: 'Pick a tensor between the input and the output.' });
  }
  const grads = new Map<string, string[]>([[spec.target, [seedName]]]);
  const gradientOf = (name: string): string | undefined => {
    const parts = grads.get(name);
    if (!parts || parts.length === 0) return undefined;
    return parts.length === 1 ? parts[0] : e.op('Sum', parts);
  };
  const shapeOf = shapeLookup(facts);
  const readers = new Map<string, number>();
  for (const node of facts.graph.nodes) for (const input of node.inputs) if (input) readers.set(input, (readers.get(input) ?? 0) + 1);
  const graphOutputs = new Set(facts.graph.outputs.map((o) => o.name));
  const producers = new Map(facts.graph.nodes.map((node) => [node.outputs[0] ?? '', node]));
  const claimedRelus = new Set<NodeIR>();
  for (let k = facts.graph.nodes.length - 1; k >= 0; k--) {
    const node: NodeIR = facts.graph.nodes[k]!;
    if (node.outputs.slice(1).some((o) => o && grads.has(o))) throw noRuleFor(node, 'a gradient reaches a secondary output');
    const first = node.outputs[0];
    if (!first || !reached.has(first) || NON_DIFFERENTIABLE.has(node.opType)) continue;
    if (!node.inputs.some((i) => i && reached.has(i))) continue;
    const g = gradientOf(first);
    if (g === undefined) continue;
    const rule = RULES[node.opType];
    if (!rule) throw noRuleFor(node, 'no backward rule for this op');
    const forwardOutput = (index: number): string => {
      const existing = node.outputs[index];
      if (existing) return existing;
      const outputs = [...(extraForwardOutputs.get(first) ?? node.outputs)];
      while (outputs.length <= index) outputs.push('');
      outputs[index] = outputs[index] || `${first}_glassbox_output${index}`;
      extraForwardOutputs.set(first, outputs);
      return outputs[index];
    };
    const claimReluInput = (index: number): boolean => {
      const input = node.inputs[index] ?? '';
      const relu = producers.get(input);
      if (relu?.opType !== 'Relu' || input === spec.source || readers.get(input) !== 1 || graphOutputs.has(input) || !reached.has(relu.inputs[0] ?? '')) return false;
      claimedRelus.add(relu);
      return true;
    };
    const ctx: RuleContext = {
      node,
      e,
      shapeOf,
      constant: (n) => facts.constants.get(n),
      needs: (i) => reached.has(node.inputs[i] ?? '\u0000'),
      guided: spec.guided,
      forwardOutput,
      claimReluInput,
      claimed: claimedRelus.has(node),
    };
    rule(ctx, g).forEach((dx, i) => {
      const input = node.inputs[i];
      if (!dx || !input || !reached.has(input)) return;
      grads.set(input, [...(grads.get(input) ?? []), dx]);
    });
    if (first !== spec.source) grads.delete(first);
  }
  const final = gradientOf(spec.source);
  return final ?? e.op('ConstantOfShape', [e.op('Shape', [spec.source])]);
}

function noRuleFor(node: NodeIR, why: string): GlassboxError {
  return new GlassboxError('unsupported_model', `ONNX node '${node.name}' (${node.opType}): ${why}`, { node: node.name, opType: node.opType, hint: 'Gradients for this graph are computed by the tfjs interpreter instead.' });
}

function floatValueInfo(name: string, dims?: readonly (number | null)[]): onnxProto.onnx.IValueInfoProto {
  const shape = dims ? { dim: dims.map((d, i) => (d === null ? { dimParam: i === 0 ? 'batch' : `d${i}` } : { dimValue: d })) } : null;
  return { name, type: { tensorType: { elemType: ONNX_FLOAT, ...(shape ? { shape } : {}) } } };
}

/** Replaces initializer values (e.g. randomized weights for sanity checks); float32 only. */
export function overrideWeights(graph: onnxProto.onnx.IGraphProto, weights: ReadonlyMap<string, HostTensor>): void {
  if (weights.size === 0) return;
  const toProto = (name: string, t: HostTensor): onnxProto.onnx.ITensorProto => ({ name, dims: [...t.shape], dataType: ONNX_FLOAT, rawData: new Uint8Array(Float32Array.from(t.data).buffer) });
  graph.initializer = (graph.initializer ?? []).map((init) => (weights.has(init.name ?? '') ? toProto(init.name ?? '', weights.get(init.name ?? '')!) : init));
  const constantOutputs = new Set<string>();
  graph.node = (graph.node ?? []).filter((node) => {
    const out = node.output?.[0] ?? '';
    if (node.opType === 'Constant' && weights.has(out)) {
      constantOutputs.add(out);
      return false;
    }
    return true;
  });
  for (const name of constantOutputs) graph.initializer.push(toProto(name, weights.get(name)!));
}

/** Dimension 0 of every graph input is the batch, whatever the export fixed it to (as the interpreter reads it). */
function freeBatchDimension(graph: onnxProto.onnx.IGraphProto): void {
  for (const input of graph.input ?? []) {
    const dim = input.type?.tensorType?.shape?.dim?.[0];
    if (dim) {
      dim.dimValue = null;
      dim.dimParam = 'batch';
    }
  }
}

export interface CompileOptions {
  /** Tensors to differentiate against and through; undefined compiles a forward-only model. */
  readonly gradient?: GradientGraphSpec;
  /** Forward tensors returned as outputs, after the gradient (if any). */
  readonly outputs: readonly string[];
  readonly weights?: ReadonlyMap<string, HostTensor>;
}

/**
 * A copy of the original ONNX model that returns chosen forward tensors and, optionally, the
 * gradient of Σ seed ⊙ target with respect to a tensor — so onnxruntime computes gradients with its
 * own multi-threaded kernels. The original nodes are kept byte for byte.
 */
export function compileOrtModel(original: Uint8Array, facts: GraphFacts, options: CompileOptions): Uint8Array {
  const model = onnx.ModelProto.decode(original);
  const graph = model.graph!;
  overrideWeights(graph, options.weights ?? new Map());
  freeBatchDimension(graph);
  const outputs: onnxProto.onnx.IValueInfoProto[] = [];
  if (options.gradient) {
    const e = new GraphEmitter(facts.graph.opset);
    const extraOutputs = new Map<string, string[]>();
    const { loss } = options.gradient;
    const head = loss ? emitCrossEntropyHead(e, options.gradient.target, loss) : undefined;
    const grad = emitBackward(facts, options.gradient, e, extraOutputs, head?.seed);
    for (const node of graph.node ?? []) {
      const outputs = extraOutputs.get(node.output?.[0] ?? '');
      if (outputs) node.output = outputs;
    }
    const targetShape = facts.shapes.get(options.gradient.target) ?? [];
    const extraInput = loss ? floatValueInfo(LABELS_INPUT, [null, loss.binarySingle ? 2 : loss.rawWidth]) : floatValueInfo(SEED_INPUT, targetShape.map((d, i) => (i === 0 ? null : d)));
    graph.input = [...(graph.input ?? []), extraInput];
    const lossOutput = head ? [{ opType: 'Identity', name: `${LOSS_OUTPUT}_node`, input: [head.loss], output: [LOSS_OUTPUT] }] : [];
    graph.node = [...(graph.node ?? []), ...e.nodes, { opType: 'Identity', name: `${GRADIENT_OUTPUT}_node`, input: [grad], output: [GRADIENT_OUTPUT] }, ...lossOutput];
    graph.initializer = [...(graph.initializer ?? []), ...e.initializers];
    outputs.push(floatValueInfo(GRADIENT_OUTPUT));
    if (head) outputs.push(floatValueInfo(LOSS_OUTPUT));
  }
  for (const name of options.outputs) outputs.push(floatValueInfo(name));
  graph.output = outputs;
  return onnx.ModelProto.encode(model).finish();
}
