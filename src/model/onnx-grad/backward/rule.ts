import { GlassboxError } from '../../../errors.js';
import type { AttrValue, NodeIR } from '../graph-ir.js';
import type { HostTensor } from '../host-tensor.js';
import type { EmitAttr, GraphEmitter } from './emitter.js';

/** What a backward rule sees of its node and of the graph around it. */
export interface RuleContext {
  readonly node: NodeIR;
  readonly e: GraphEmitter;
  /** Static shape of a tensor, taken from a probe run at batch size 2 (dimension 0 is the batch). */
  readonly shapeOf: (name: string) => readonly number[];
  /** The value of an initializer or Constant output, when the tensor is one. */
  readonly constant: (name: string) => HostTensor | undefined;
  /** Whether input `index` depends on the differentiated tensor (its gradient is wanted). */
  readonly needs: (index: number) => boolean;
  /** Guided backprop: Relu passes back only positive gradients. */
  readonly guided: boolean;
  /** Makes the forward node also produce its optional output `index` (e.g. MaxPool's Indices); returns its name. */
  readonly forwardOutput: (index: number) => string;
  /**
   * When input `index` comes from a Relu whose output only this node reads (and which is not the
   * differentiated tensor), claims that Relu: this rule then applies its mask, and the Relu passes
   * gradients through unchanged. Returns whether the Relu was claimed.
   */
  readonly claimReluInput: (index: number) => boolean;
  /** Whether another rule has claimed this (Relu) node's mask. */
  readonly claimed: boolean;
}

/** Emits the nodes giving d target / d input for each input (undefined where none is wanted). */
export type BackwardRule = (ctx: RuleContext, gradOutput: string) => (string | undefined)[];

/** Thrown while compiling when a node on the gradient path has no rule; the caller falls back. */
export function noRule(ctx: RuleContext, why: string): never {
  throw new GlassboxError('unsupported_model', `ONNX node '${ctx.node.name}' (${ctx.node.opType}): ${why}`, {
    node: ctx.node.name,
    opType: ctx.node.opType,
    hint: 'Gradients for this graph are computed by the tfjs interpreter instead.',
  });
}

export function numberAttr(node: NodeIR, name: string, fallback: number): number {
  const v = node.attrs.get(name);
  return typeof v === 'number' ? v : fallback;
}

export function intsAttr(node: NodeIR, name: string): readonly number[] | undefined {
  const v = node.attrs.get(name);
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as readonly number[]) : undefined;
}

export function stringAttr(node: NodeIR, name: string, fallback: string): string {
  const v = node.attrs.get(name);
  return typeof v === 'string' ? v : fallback;
}

/** Re-encodes an integer-only attribute set (pooling and convolution attributes). */
export function intAttrs(node: NodeIR, skip: readonly string[] = []): Record<string, EmitAttr> {
  const out: Record<string, EmitAttr> = {};
  for (const [k, v] of node.attrs) {
    if (skip.includes(k)) continue;
    out[k] = encodeIntAttr(v);
  }
  return out;
}

function encodeIntAttr(v: AttrValue): EmitAttr {
  if (typeof v === 'string') return { string: v };
  if (typeof v === 'number') return { int: v };
  if (Array.isArray(v)) return { ints: v as readonly number[] };
  throw new GlassboxError('internal', 'Tensor attribute where an integer attribute was expected.');
}

/** Sums `g` over the axes along which `shape` was broadcast to `outShape`, then restores `shape`. */
export function unbroadcast(ctx: RuleContext, g: string, input: string, output: string): string {
  const inShape = ctx.shapeOf(input);
  const outShape = ctx.shapeOf(output);
  const lead = outShape.length - inShape.length;
  const axes: number[] = [];
  for (let a = 0; a < outShape.length; a++) {
    const dim = a < lead ? 1 : inShape[a - lead]!;
    if (a < lead || (dim === 1 && outShape[a] !== 1)) axes.push(a);
  }
  if (axes.length === 0 && lead === 0) return g;
  const summed = axes.length > 0 ? ctx.e.reduceSum(g, axes, true) : g;
  return ctx.e.reshapeLike(summed, input);
}

/** Spatial rank of an N,C,spatial… tensor. */
export function spatialRank(ctx: RuleContext, name: string): number {
  return ctx.shapeOf(name).length - 2;
}
