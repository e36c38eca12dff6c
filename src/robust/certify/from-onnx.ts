import { GlassboxError } from '../../errors.js';
import { decodeOnnx, type GraphIR, type NodeIR } from '../../model/onnx-grad/graph-ir.js';
import { shapeSize, type BoundGraph, type BoundNode, type BoundRule, type Shape3 } from './bound-graph.js';
import { intAttr, intsAttr, slidingGeometry, strAttr, unsupported } from './onnx-attrs.js';
import { broadcastTo, constFromHost, FOLDABLE, foldConstant, type ConstTensor } from './onnx-constants.js';
import { averagePoolRule } from './ops/average-pool.js';
import { convRule } from './ops/conv.js';
import { addRule, elementwiseAffineRule } from './ops/elementwise-affine.js';
import { linearRule } from './ops/linear.js';
import { maxPoolRule } from './ops/max-pool.js';
import { padRule, reshapeRule } from './ops/pad.js';
import { reluRule } from './ops/relu.js';

/** Ops with a bound rule (plus Identity/Dropout/Cast, which pass values through). */
export const SUPPORTED_ONNX_OPS = ['Conv', 'Gemm', 'MatMul', 'BatchNormalization', 'Relu', 'MaxPool', 'AveragePool', 'Pad', 'Flatten', 'Reshape', 'Add', 'Sub', 'Mul', 'Div'] as const;

const PASS_THROUGH = new Set(['Identity', 'Dropout', 'Cast']);

/** A variable tensor: its bound node and its ONNX dims without the batch axis. */
interface Value {
  readonly node: number;
  readonly dims: readonly number[];
}

function shape3(dims: readonly number[], where: NodeIR | string): Shape3 {
  if (dims.length === 1) return [dims[0]!, 1, 1];
  if (dims.length === 2) return [1, dims[0]!, dims[1]!];
  if (dims.length === 3) return [dims[0]!, dims[1]!, dims[2]!];
  const name = typeof where === 'string' ? where : `node '${where.name}' (op ${where.opType})`;
  throw new GlassboxError('unsupported_model', `Certified bounds: ${name} has a tensor of ${dims.length + 1} dimensions (with the batch); only [N, D], [N, H, W] and [N, C, H, W] are supported.`, {
    hint: 'Export the model with 2-D images as [N, C, H, W].',
  });
}

/**
 * Translates an ONNX graph into a bound-propagation graph for inputs of `inputDims` (one example, no
 * batch axis). Only the nodes the chosen output depends on are translated; any op on that path without
 * a bound rule is refused by name. A trailing Softmax is skipped and recorded in `skippedHead`.
 */
export function boundGraphFromOnnx(source: Uint8Array | GraphIR, inputDims: readonly number[], options: { output?: string; file?: string } = {}): BoundGraph {
  const ir = source instanceof Uint8Array ? decodeOnnx(source, options.file) : source;
  if (ir.inputs.length !== 1) {
    throw new GlassboxError('unsupported_model', `Certified bounds need a model with one input; this one has ${ir.inputs.length} (${ir.inputs.map((i) => i.name).join(', ')}).`, { hint: 'Export the model with a single image or feature input.' });
  }
  const input = ir.inputs[0]!;
  const declared = input.shape.slice(1);
  if (declared.length !== inputDims.length || declared.some((d, i) => d !== null && d !== inputDims[i])) {
    throw new GlassboxError('shape_mismatch', `The model input '${input.name}' is [N, ${declared.map((d) => d ?? '?').join(', ')}] but the data rows are [${inputDims.join(', ')}].`, { hint: 'Reshape the data (.npy) to the model input shape.' });
  }
  const producers = new Map<string, NodeIR>();
  for (const node of ir.nodes) for (const out of node.outputs) producers.set(out, node);
  let outputName = options.output ?? ir.outputs[0]?.name ?? '';
  let skippedHead: string | undefined;
  const head = followPassThrough(outputName, producers);
  if (head?.opType === 'Softmax') {
    skippedHead = `${head.name} (Softmax)`;
    outputName = head.inputs[0]!;
  }
  const needed = neededTensors(outputName, producers, ir);
  const nodes: BoundNode[] = [{ id: 0, name: input.name, inputs: [], shape: shape3(inputDims, `input '${input.name}'`), size: inputDims.reduce((a, b) => a * b, 1) }];
  const values = new Map<string, Value>([[input.name, { node: 0, dims: inputDims }]]);
  const consts = new Map<string, ConstTensor>();
  for (const [name, t] of ir.initializers) consts.set(name, constFromHost(t));
  const add = (name: string, inputs: number[], dims: readonly number[], rule: BoundRule, where: NodeIR): Value => {
    const shape = shape3(dims, where);
    nodes.push({ id: nodes.length, name, inputs, shape, size: shapeSize(shape), rule });
    return { node: nodes.length - 1, dims };
  };
  for (const node of ir.nodes) {
    const variable = node.inputs.some((name) => values.has(name));
    if (!variable) {
      if (node.opType === 'Shape' || !FOLDABLE.has(node.opType)) continue;
      const folded = foldConstant(node, node.inputs.map((n) => (n === '' ? undefined : consts.get(n))));
      if (folded) consts.set(node.outputs[0]!, folded);
      continue;
    }
    if (node.opType === 'Shape') {
      const v = values.get(node.inputs[0]!)!;
      consts.set(node.outputs[0]!, { shape: [v.dims.length + 1], data: Float64Array.from([1, ...v.dims]) });
      continue;
    }
    if (!node.outputs.some((o) => needed.has(o))) continue;
    const out = translate(node, values, consts, add);
    values.set(node.outputs[0]!, out);
  }
  const result = values.get(outputName);
  if (!result) {
    throw new GlassboxError('unsupported_model', `Certified bounds: the output '${outputName}' does not depend on the input '${input.name}'.`, { hint: 'Choose the logits output with --output.' });
  }
  return { nodes, output: result.node, inputDims, ...(skippedHead ? { skippedHead } : {}) };
}

function followPassThrough(name: string, producers: ReadonlyMap<string, NodeIR>): NodeIR | undefined {
  let node = producers.get(name);
  while (node && PASS_THROUGH.has(node.opType)) node = producers.get(node.inputs[0]!);
  return node;
}

/** Tensor names the output depends on (walking back through every input). */
function neededTensors(output: string, producers: ReadonlyMap<string, NodeIR>, ir: GraphIR): Set<string> {
  const needed = new Set<string>();
  const stack = [output];
  while (stack.length) {
    const name = stack.pop()!;
    if (needed.has(name) || ir.initializers.has(name)) continue;
    needed.add(name);
    const node = producers.get(name);
    if (node) for (const input of node.inputs) if (input !== '') stack.push(input);
  }
  return needed;
}

type AddNode = (name: string, inputs: number[], dims: readonly number[], rule: BoundRule, where: NodeIR) => Value;

function translate(node: NodeIR, values: ReadonlyMap<string, Value>, consts: ReadonlyMap<string, ConstTensor>, add: AddNode): Value {
  const x = values.get(node.inputs[0]!);
  const constant = (slot: number, what: string): ConstTensor => {
    const c = consts.get(node.inputs[slot] ?? '');
    if (!c) throw unsupported(node, `needs a constant ${what} (input ${slot}), but it is computed from the input`);
    return c;
  };
  const optional = (slot: number): ConstTensor | undefined => (node.inputs[slot] ? consts.get(node.inputs[slot]!) : undefined);
  if (PASS_THROUGH.has(node.opType)) {
    if (!x) throw unsupported(node, 'passes through a tensor that is not the data path');
    // eval-mode Dropout is the identity (its optional mask output is not on a bound path)
    return x;
  }
  if (!x) throw unsupported(node, 'takes the data path as a weight or second operand');
  switch (node.opType) {
    case 'Conv': {
      const w = constant(1, 'weight');
      const shape = shape3(x.dims, node);
      if (x.dims.length !== 3 || w.shape.length !== 4) throw unsupported(node, 'is not a 2-D convolution over [N, C, H, W]');
      const groups = intAttr(node, 'group', 1);
      if (w.shape[1]! * groups !== shape[0]) throw unsupported(node, `has weight [${w.shape.join(', ')}] for ${shape[0]} input channels`);
      const g = slidingGeometry(node, shape, w.shape[0]!, w.shape.slice(2));
      const bias = optional(2);
      return add(node.name, [x.node], g.output, convRule({ ...g, weight: w.data, groups, ...(bias ? { bias: bias.data } : {}) }), node);
    }
    case 'Gemm':
    case 'MatMul':
      return translateLinear(node, x, constant, optional, add);
    case 'BatchNormalization': {
      if (intAttr(node, 'training_mode', 0) !== 0) throw unsupported(node, 'is in training mode');
      const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((slot) => constant(slot, ['scale', 'bias', 'mean', 'variance'][slot - 1]!));
      const eps = (node.attrs.get('epsilon') as number | undefined) ?? 1e-5;
      const shape = shape3(x.dims, node);
      const channels = x.dims[0]!;
      const perChannel = shapeSize(shape) / channels;
      const scale = new Float64Array(shapeSize(shape));
      const shift = new Float64Array(shapeSize(shape));
      for (let c = 0; c < channels; c++) {
        const s = gamma!.data[c]! / Math.sqrt(variance!.data[c]! + eps);
        const t = beta!.data[c]! - mean!.data[c]! * s;
        scale.fill(s, c * perChannel, (c + 1) * perChannel);
        shift.fill(t, c * perChannel, (c + 1) * perChannel);
      }
      return add(node.name, [x.node], x.dims, elementwiseAffineRule('BatchNormalization', shape, scale, shift), node);
    }
    case 'Relu':
      return add(node.name, [x.node], x.dims, reluRule(shape3(x.dims, node)), node);
    case 'MaxPool':
    case 'AveragePool': {
      if (x.dims.length !== 3) throw unsupported(node, 'is not a 2-D pooling over [N, C, H, W]');
      if (node.opType === 'MaxPool' && node.outputs[1]) throw unsupported(node, 'also returns argmax indices');
      const g = slidingGeometry(node, shape3(x.dims, node), x.dims[0]!);
      if (node.opType === 'MaxPool') return add(node.name, [x.node], g.output, maxPoolRule(g), node);
      if (g.ceil) throw unsupported(node, 'uses ceil_mode, whose divisor at the border is not implemented');
      return add(node.name, [x.node], g.output, averagePoolRule({ ...g, countIncludePad: intAttr(node, 'count_include_pad', 0) === 1 }), node);
    }
    case 'Pad':
      return translatePad(node, x, consts, add);
    case 'Flatten': {
      if (intAttr(node, 'axis', 1) !== 1) throw unsupported(node, 'flattens from an axis other than 1');
      const size = x.dims.reduce((a, b) => a * b, 1);
      return add(node.name, [x.node], [size], reshapeRule('Flatten', shape3(x.dims, node)), node);
    }
    case 'Reshape':
      return add(node.name, [x.node], reshapeDims(node, x.dims, constant(1, 'shape')), reshapeRule('Reshape', shape3(x.dims, node)), node);
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
      return translateBinary(node, values, consts, add);
    default:
      throw unsupported(node, 'has no bound rule');
  }
}

function translateLinear(node: NodeIR, x: Value, constant: (slot: number, what: string) => ConstTensor, optional: (slot: number) => ConstTensor | undefined, add: AddNode): Value {
  if (x.dims.length !== 1) throw unsupported(node, `multiplies a [N, ${x.dims.join(', ')}] tensor; only [N, D] inputs are supported`, 'Insert a Flatten before the dense layer.');
  if (node.opType === 'Gemm' && intAttr(node, 'transA', 0) !== 0) throw unsupported(node, 'has transA = 1');
  const b = constant(1, 'weight');
  if (b.shape.length !== 2) throw unsupported(node, `has a weight of rank ${b.shape.length}`);
  const transB = node.opType === 'Gemm' && intAttr(node, 'transB', 0) === 1;
  const alpha = node.opType === 'Gemm' ? ((node.attrs.get('alpha') as number | undefined) ?? 1) : 1;
  const beta = node.opType === 'Gemm' ? ((node.attrs.get('beta') as number | undefined) ?? 1) : 1;
  const D = x.dims[0]!;
  const K = transB ? b.shape[0]! : b.shape[1]!;
  if ((transB ? b.shape[1] : b.shape[0]) !== D) throw unsupported(node, `has weight [${b.shape.join(', ')}] for ${D} inputs`);
  const weight = new Float64Array(K * D);
  for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) weight[k * D + d] = alpha * b.data[transB ? k * D + d : d * K + k]!;
  const c = node.opType === 'Gemm' ? optional(2) : undefined;
  const bias = c ? broadcastTo(c, [K], `node '${node.name}'`).map((v) => beta * v) : undefined;
  return add(node.name, [x.node], [K], linearRule({ weight, inputs: D, outputs: K, ...(bias ? { bias } : {}) }, node.opType), node);
}

function translatePad(node: NodeIR, x: Value, consts: ReadonlyMap<string, ConstTensor>, add: AddNode): Value {
  const mode = strAttr(node, 'mode', 'constant');
  if (mode !== 'constant') throw unsupported(node, `uses mode '${mode}'; only constant padding has a bound rule`);
  const pads = intsAttr(node, 'pads') ?? (node.inputs[1] ? Array.from(consts.get(node.inputs[1])?.data ?? []) : undefined);
  if (!pads || x.dims.length !== 3 || pads.length !== 8) throw unsupported(node, 'does not pad a [N, C, H, W] tensor by constant amounts');
  if (pads[0] || pads[1] || pads[4] || pads[5] || pads.some((p) => p < 0)) throw unsupported(node, 'pads the batch or channel axis, or crops');
  const value = node.inputs[2] ? (consts.get(node.inputs[2])?.data[0] ?? 0) : ((node.attrs.get('value') as number | undefined) ?? 0);
  const input = shape3(x.dims, node);
  const dims = [x.dims[0]!, x.dims[1]! + pads[2]! + pads[6]!, x.dims[2]! + pads[3]! + pads[7]!];
  return add(node.name, [x.node], dims, padRule(input, shape3(dims, node), pads[2]!, pads[3]!, value), node);
}

function reshapeDims(node: NodeIR, dims: readonly number[], target: ConstTensor): number[] {
  const full = [1, ...dims];
  const out = Array.from(target.data, (d, i) => (d === 0 && intAttr(node, 'allowzero', 0) === 0 ? full[i]! : d));
  const size = full.reduce((a, b) => a * b, 1);
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const resolved = out.map((d) => (d === -1 ? size / known : d));
  if (resolved[0] !== 1 || resolved.reduce((a, b) => a * b, 1) !== size) throw unsupported(node, `reshapes [N, ${dims.join(', ')}] to [${out.join(', ')}], which mixes examples`);
  return resolved.slice(1);
}

function translateBinary(node: NodeIR, values: ReadonlyMap<string, Value>, consts: ReadonlyMap<string, ConstTensor>, add: AddNode): Value {
  const [left, right] = [values.get(node.inputs[0]!), values.get(node.inputs[1]!)];
  if (left && right) {
    if (node.opType !== 'Add' && node.opType !== 'Sub') throw unsupported(node, 'multiplies or divides two data-dependent tensors');
    if (left.dims.join() !== right.dims.join()) throw unsupported(node, `adds tensors of shapes [${left.dims.join(', ')}] and [${right.dims.join(', ')}]`);
    return add(node.name, [left.node, right.node], left.dims, addRule(shape3(left.dims, node), node.opType === 'Add' ? 1 : -1), node);
  }
  const x = (left ?? right)!;
  const constName = left ? node.inputs[1]! : node.inputs[0]!;
  const c = consts.get(constName);
  if (!c) throw unsupported(node, `has an operand '${constName}' that is neither constant nor the data path`);
  const k = broadcastTo(c, x.dims, `node '${node.name}'`);
  const scale = new Float64Array(k.length).fill(1);
  const shift = new Float64Array(k.length);
  if (node.opType === 'Add') shift.set(k);
  else if (node.opType === 'Sub') {
    if (left) for (let i = 0; i < k.length; i++) shift[i] = -k[i]!;
    else {
      scale.fill(-1);
      shift.set(k);
    }
  } else if (node.opType === 'Mul') scale.set(k);
  else if (left) for (let i = 0; i < k.length; i++) scale[i] = 1 / k[i]!;
  else throw unsupported(node, 'divides a constant by the data path, which is not linear');
  return add(node.name, [x.node], x.dims, elementwiseAffineRule(node.opType, shape3(x.dims, node), scale, shift), node);
}
