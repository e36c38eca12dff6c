import type * as tfTypes from '../tfjs/tfjs-api.js';
import { GlassboxError } from '../../errors.js';
import type { AttrValue, NodeIR } from './graph-ir.js';
import type { HostTensor } from './host-tensor.js';

export type TF = typeof tfTypes;
export type T = tfTypes.Tensor;

/**
 * A value in the interpreter's environment. Graph semantics are always NCHW; a rank-4 tensor may be
 * held transposed to NHWC (`nhwc`) between convolutions, pools and elementwise ops so that tfjs's
 * NHWC kernels do not pay a transpose per op. Every other op sees NCHW.
 */
export interface Val {
  readonly t: T;
  readonly nhwc: boolean;
}

/** What an op implementation sees: its node, typed attribute readers and its inputs. */
export class OpContext {
  constructor(
    readonly tf: TF,
    readonly node: NodeIR,
    readonly opset: number,
    private readonly vals: readonly (Val | undefined)[],
    readonly guidedRelu: boolean,
    readonly constants: ReadonlyMap<string, HostTensor>,
  ) {}

  get inputCount(): number {
    return this.vals.length;
  }

  has(i: number): boolean {
    return this.vals[i] !== undefined;
  }

  /** Input i in NCHW (graph) layout. */
  input(i: number): T {
    const v = this.vals[i];
    if (!v) throw this.error(`needs input ${i}, which is missing`);
    return v.nhwc ? this.tf.transpose(v.t, [0, 3, 1, 2]) : v.t;
  }

  optional(i: number): T | undefined {
    return this.has(i) ? this.input(i) : undefined;
  }

  /** Input i as a rank-4 NHWC tensor (it must be rank 4 in graph layout). */
  inputNhwc(i: number): T {
    const v = this.vals[i];
    if (!v) throw this.error(`needs input ${i}, which is missing`);
    if (v.nhwc) return v.t;
    if (v.t.rank !== 4) throw this.error(`expects a rank-4 NCHW input but got shape [${v.t.shape.join(', ')}]`);
    return this.tf.transpose(v.t, [0, 2, 3, 1]);
  }

  /** Raw value (any layout) for layout-agnostic ops. */
  raw(i: number): Val {
    const v = this.vals[i];
    if (!v) throw this.error(`needs input ${i}, which is missing`);
    return v;
  }

  /** Integer values of a small input (shape, axes, pads…), read on the host. */
  ints(i: number): number[] {
    const name = this.node.inputs[i] ?? '';
    const c = this.constants.get(name);
    if (c) return Array.from(c.data);
    return Array.from(this.input(i).dataSync(), (v) => Math.trunc(v));
  }

  /** Float values of a small input (scales, constant value…), read on the host. */
  floats(i: number): number[] {
    const name = this.node.inputs[i] ?? '';
    const c = this.constants.get(name);
    if (c) return Array.from(c.data);
    return Array.from(this.input(i).dataSync());
  }

  attr(name: string): AttrValue | undefined {
    return this.node.attrs.get(name);
  }

  int(name: string, fallback: number): number {
    const v = this.node.attrs.get(name);
    return typeof v === 'number' ? Math.trunc(v) : fallback;
  }

  float(name: string, fallback: number): number {
    const v = this.node.attrs.get(name);
    return typeof v === 'number' ? v : fallback;
  }

  str(name: string, fallback: string): string {
    const v = this.node.attrs.get(name);
    return typeof v === 'string' ? v : fallback;
  }

  intList(name: string): number[] | undefined {
    const v = this.node.attrs.get(name);
    return Array.isArray(v) ? (v as number[]).map((x) => Math.trunc(x)) : undefined;
  }

  floatList(name: string): number[] | undefined {
    const v = this.node.attrs.get(name);
    return Array.isArray(v) ? [...(v as number[])] : undefined;
  }

  tensorAttr(name: string): HostTensor | undefined {
    const v = this.node.attrs.get(name);
    return v !== undefined && typeof v === 'object' && 'dtype' in v ? v : undefined;
  }

  error(message: string): GlassboxError {
    return new GlassboxError('unsupported_model', `ONNX node '${this.node.name}' (${this.node.opType}) ${message}.`, {
      node: this.node.name,
      opType: this.node.opType,
      hint: 'Check the export settings (opset 11–17) or simplify the model with onnx-simplifier.',
    });
  }
}

/** An op returns its outputs in NCHW as plain tensors, or as Vals when it keeps NHWC layout. */
export type OpResult = readonly (T | Val)[];
export type OpFn = (ctx: OpContext) => OpResult;

/** Normalises a possibly negative axis against a rank. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
