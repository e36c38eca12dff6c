import { GlassboxError } from '../../errors.js';
import type { HostTensor } from '../../model/onnx-grad/host-tensor.js';
import type { NodeIR } from '../../model/onnx-grad/graph-ir.js';

/** A constant tensor of the graph (initializer, Constant output or folded shape arithmetic), in float64. */
export interface ConstTensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function constFromHost(t: HostTensor): ConstTensor {
  return { shape: t.shape, data: Float64Array.from(t.data) };
}

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Ops evaluated on the host when all their inputs are constant (shape arithmetic of exports such as `x.view(x.size(0), -1)`). */
export const FOLDABLE = new Set(['Constant', 'Identity', 'Cast', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat']);

/** Evaluates a shape-arithmetic node whose inputs are all known; undefined for ops it does not fold. */
export function foldConstant(node: NodeIR, inputs: readonly (ConstTensor | undefined)[]): ConstTensor | undefined {
  const x = inputs[0];
  switch (node.opType) {
    case 'Constant': {
      const value = node.attrs.get('value');
      if (value && typeof value === 'object' && 'dtype' in value) return constFromHost(value);
      const ints = node.attrs.get('value_ints') ?? node.attrs.get('value_floats');
      if (Array.isArray(ints)) return { shape: [ints.length], data: Float64Array.from(ints as number[]) };
      const scalar = node.attrs.get('value_int') ?? node.attrs.get('value_float');
      if (typeof scalar === 'number') return { shape: [], data: Float64Array.of(scalar) };
      return undefined;
    }
    case 'Identity':
    case 'Cast':
      return x;
    case 'Gather': {
      const idx = inputs[1];
      if (!x || !idx || x.shape.length !== 1 || ((node.attrs.get('axis') as number | undefined) ?? 0) !== 0) return undefined;
      const data = Float64Array.from(idx.data, (i) => x.data[i < 0 ? i + x.data.length : i]!);
      return { shape: idx.shape, data };
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      if (!x) return undefined;
      const axes = (node.attrs.get('axes') as readonly number[] | undefined) ?? (inputs[1] ? Array.from(inputs[1].data) : undefined);
      if (node.opType === 'Squeeze') {
        const rank = x.shape.length;
        const drop = new Set((axes ?? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => (a < 0 ? a + rank : a)));
        return { shape: x.shape.filter((_, i) => !drop.has(i)), data: x.data };
      }
      if (!axes) return undefined;
      const rank = x.shape.length + axes.length;
      const add = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
      const shape: number[] = [];
      for (let i = 0, j = 0; i < rank; i++) shape.push(add.has(i) ? 1 : x.shape[j++]!);
      return { shape, data: x.data };
    }
    case 'Concat': {
      if (inputs.some((t) => !t || t.shape.length !== 1)) return undefined;
      const parts = inputs as ConstTensor[];
      const data = new Float64Array(parts.reduce((n, t) => n + t.data.length, 0));
      let offset = 0;
      for (const t of parts) {
        data.set(t.data, offset);
        offset += t.data.length;
      }
      return { shape: [data.length], data };
    }
    default:
      return undefined;
  }
}

/**
 * A constant broadcast (numpy rules) to one example's tensor of `dims` (no batch axis); the constant
 * may carry a leading batch axis of 1. Throws when it would broadcast across examples.
 */
export function broadcastTo(c: ConstTensor, dims: readonly number[], where: string): Float64Array {
  const full = [1, ...dims];
  if (c.shape.length > full.length) throw broadcastError(c, dims, where);
  const shape = [...Array<number>(full.length - c.shape.length).fill(1), ...c.shape];
  shape.forEach((d, i) => {
    if (d !== 1 && d !== full[i]) throw broadcastError(c, dims, where);
  });
  const size = product(dims);
  const out = new Float64Array(size);
  const strides = new Array<number>(shape.length).fill(0);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    strides[i] = shape[i] === 1 ? 0 : s;
    s *= shape[i]!;
  }
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let src = 0;
    for (let axis = full.length - 1; axis >= 1; axis--) {
      const coord = rest % full[axis]!;
      rest = Math.floor(rest / full[axis]!);
      src += coord * strides[axis]!;
    }
    out[flat] = c.data[src]!;
  }
  return out;
}

function broadcastError(c: ConstTensor, dims: readonly number[], where: string): GlassboxError {
  return new GlassboxError('unsupported_model', `${where}: a constant of shape [${c.shape.join(', ')}] does not broadcast to one example's tensor [${dims.join(', ')}].`, {
    hint: 'Certified bounds need per-example ops; export the model without batch-mixing constants.',
  });
}
