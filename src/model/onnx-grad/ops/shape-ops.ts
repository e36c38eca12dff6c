import { normAxis, type OpContext, type OpFn, type OpResult, type T } from '../op-context.js';

/** Shape, indexing and constant ops. Shape-valued inputs are read on the host. */

/** Graph-layout shape of input i without materialising a transpose. */
function graphShape(ctx: OpContext, i: number): number[] {
  const raw = ctx.raw(i);
  const s = raw.t.shape;
  return raw.nhwc ? [s[0]!, s[3]!, s[1]!, s[2]!] : [...s];
}

function reshape(ctx: OpContext): OpResult {
  const x = ctx.input(0);
  const allowZero = ctx.int('allowzero', 0) === 1;
  const shape = ctx.ints(1).map((d, i) => (d === 0 && !allowZero ? x.shape[i]! : d));
  return [ctx.tf.reshape(x, shape)];
}

function flatten(ctx: OpContext): OpResult {
  const x = ctx.input(0);
  const axis = normAxis(ctx.int('axis', 1), x.rank);
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  return [ctx.tf.reshape(x, [outer, x.size / Math.max(1, outer)])];
}

function transpose(ctx: OpContext): OpResult {
  const x = ctx.input(0);
  const perm = ctx.intList('perm') ?? [...Array(x.rank).keys()].reverse();
  return [ctx.tf.transpose(x, perm)];
}

function concat(ctx: OpContext): OpResult {
  const parts: T[] = [];
  for (let i = 0; i < ctx.inputCount; i++) if (ctx.has(i)) parts.push(ctx.input(i));
  const axis = normAxis(ctx.int('axis', 0), parts[0]!.rank);
  const nonEmpty = parts.filter((p) => p.size > 0);
  return [nonEmpty.length === 1 ? nonEmpty[0]! : ctx.tf.concat(nonEmpty.length > 0 ? nonEmpty : parts, axis)];
}

/** Selects `indices` along `axis` with slice/reverse when they are a contiguous run, gather otherwise. */
function take(ctx: OpContext, x: T, axis: number, indices: number[]): T {
  const tf = ctx.tf;
  const n = indices.length;
  const first = indices[0] ?? 0;
  const begin = x.shape.map(() => 0);
  const size = x.shape.map(() => -1);
  if (n === 0) {
    size[axis] = 0;
    return tf.slice(x, begin, size);
  }
  const run = (step: number): boolean => indices.every((v, k) => v === first + k * step);
  if (run(1) || n === 1) {
    begin[axis] = first;
    size[axis] = n;
    return tf.slice(x, begin, size);
  }
  if (run(-1)) {
    begin[axis] = first - n + 1;
    size[axis] = n;
    return tf.reverse(tf.slice(x, begin, size), axis);
  }
  return tf.gather(x, tf.tensor1d(indices, 'int32'), axis);
}

/** ONNX Slice (inputs from opset 10, attributes before), with clamping and negative steps. */
function slice(ctx: OpContext): OpResult {
  let x = ctx.input(0);
  const rank = x.rank;
  const fromAttrs = ctx.opset < 10;
  const starts = fromAttrs ? ctx.intList('starts') ?? [] : ctx.ints(1);
  const ends = fromAttrs ? ctx.intList('ends') ?? [] : ctx.ints(2);
  const axes = fromAttrs ? ctx.intList('axes') ?? starts.map((_, i) => i) : ctx.has(3) ? ctx.ints(3) : starts.map((_, i) => i);
  const steps = !fromAttrs && ctx.has(4) ? ctx.ints(4) : starts.map(() => 1);
  for (let k = 0; k < starts.length; k++) {
    const axis = normAxis(axes[k]!, rank);
    const dim = x.shape[axis]!;
    const step = steps[k] ?? 1;
    if (step === 0) throw ctx.error('has a zero step');
    let s = starts[k]!;
    let e = ends[k]!;
    if (s < 0) s += dim;
    if (e < 0) e += dim;
    if (step > 0) {
      s = Math.min(Math.max(s, 0), dim);
      e = Math.min(Math.max(e, 0), dim);
    } else {
      s = Math.min(Math.max(s, 0), dim - 1);
      e = Math.min(Math.max(e, -1), dim - 1);
    }
    const idx: number[] = [];
    for (let i = s; step > 0 ? i < e : i > e; i += step) idx.push(i);
    if (idx.length === dim && step === 1) continue;
    x = take(ctx, x, axis, idx);
  }
  return [x];
}

function gather(ctx: OpContext): OpResult {
  const tf = ctx.tf;
  const x = ctx.input(0);
  const axis = normAxis(ctx.int('axis', 0), x.rank);
  const idxShape = ctx.input(1).shape;
  const dim = x.shape[axis]!;
  const idx = ctx.ints(1).map((v) => (v < 0 ? v + dim : v));
  if (idxShape.length === 0) {
    const begin = x.shape.map(() => 0);
    const size = x.shape.map(() => -1);
    begin[axis] = idx[0]!;
    size[axis] = 1;
    return [tf.squeeze(tf.slice(x, begin, size), [axis])];
  }
  const picked = take(ctx, x, axis, idx);
  return [tf.reshape(picked, [...x.shape.slice(0, axis), ...idxShape, ...x.shape.slice(axis + 1)])];
}

function axesOf(ctx: OpContext, attrBefore: number): number[] | undefined {
  if (ctx.opset < attrBefore) return ctx.intList('axes');
  return ctx.has(1) ? ctx.ints(1) : undefined;
}

function unsqueeze(ctx: OpContext): OpResult {
  const x = ctx.input(0);
  const axes = axesOf(ctx, 13) ?? [];
  const rank = x.rank + axes.length;
  const set = new Set(axes.map((a) => normAxis(a, rank)));
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) shape.push(set.has(i) ? 1 : x.shape[j++]!);
  return [ctx.tf.reshape(x, shape)];
}

function squeeze(ctx: OpContext): OpResult {
  const x = ctx.input(0);
  const axes = axesOf(ctx, 13);
  const set = new Set((axes ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normAxis(a, x.rank)));
  return [ctx.tf.reshape(x, x.shape.filter((_, i) => !set.has(i)))];
}

function shapeOp(ctx: OpContext): OpResult {
  const shape = graphShape(ctx, 0);
  const r = shape.length;
  const start = Math.min(Math.max(normAxis(ctx.int('start', 0), r), 0), r);
  const end = Math.min(Math.max(normAxis(ctx.int('end', r), r), 0), r);
  return [ctx.tf.tensor1d(shape.slice(start, Math.max(start, end)), 'int32')];
}

function edgePad(ctx: OpContext, x: T, before: number[], after: number[]): T {
  const tf = ctx.tf;
  let y = x;
  for (let axis = 0; axis < x.rank; axis++) {
    const b = before[axis]!;
    const a = after[axis]!;
    if (b <= 0 && a <= 0) continue;
    const dim = y.shape[axis]!;
    const edge = (at: number, times: number): T => {
      const begin = y.shape.map(() => 0);
      const size = y.shape.map(() => -1);
      begin[axis] = at;
      size[axis] = 1;
      const reps = y.shape.map(() => 1);
      reps[axis] = times;
      return tf.tile(tf.slice(y, begin, size), reps);
    };
    const parts = [...(b > 0 ? [edge(0, b)] : []), y, ...(a > 0 ? [edge(dim - 1, a)] : [])];
    y = tf.concat(parts, axis);
  }
  return y;
}

/** Reflect padding from slices, reverses and concats (tfjs's MirrorPad gradient is wrong). */
function reflectPad(ctx: OpContext, x: T, before: number[], after: number[]): T {
  const tf = ctx.tf;
  let y = x;
  for (let axis = 0; axis < x.rank; axis++) {
    const b = before[axis]!;
    const a = after[axis]!;
    if (b === 0 && a === 0) continue;
    const dim = y.shape[axis]!;
    if (b >= dim || a >= dim) throw ctx.error(`reflect-pads axis ${axis} by more than its size ${dim} − 1`);
    const part = (start: number, size: number): T => {
      const begin = y.shape.map(() => 0);
      const sizes = y.shape.map(() => -1);
      begin[axis] = start;
      sizes[axis] = size;
      return tf.reverse(tf.slice(y, begin, sizes), axis);
    };
    y = tf.concat([...(b > 0 ? [part(1, b)] : []), y, ...(a > 0 ? [part(dim - 1 - a, a)] : [])], axis);
  }
  return y;
}

function pad(ctx: OpContext): OpResult {
  const tf = ctx.tf;
  let x = ctx.input(0);
  const rank = x.rank;
  const raw = ctx.opset < 11 ? ctx.intList('pads') ?? [] : ctx.ints(1);
  const value = ctx.opset < 11 ? ctx.float('value', 0) : ctx.has(2) ? ctx.floats(2)[0] ?? 0 : 0;
  const axes = ctx.opset >= 18 && ctx.has(3) ? ctx.ints(3).map((a) => normAxis(a, rank)) : [...Array(rank).keys()];
  const before = Array<number>(rank).fill(0);
  const after = Array<number>(rank).fill(0);
  axes.forEach((axis, k) => {
    before[axis] = raw[k] ?? 0;
    after[axis] = raw[k + axes.length] ?? 0;
  });
  const mode = ctx.str('mode', 'constant');
  const pos = (v: number): number => Math.max(0, v);
  if (mode === 'constant') x = tf.pad(x, before.map((b, i) => [pos(b), pos(after[i]!)] as [number, number]), value);
  else if (mode === 'reflect') x = reflectPad(ctx, x, before.map(pos), after.map(pos));
  else if (mode === 'edge') x = edgePad(ctx, x, before, after);
  else throw ctx.error(`uses pad mode '${mode}', which is not supported`);
  if (before.some((b) => b < 0) || after.some((a) => a < 0)) {
    const begin = before.map((b) => Math.max(0, -b));
    const size = x.shape.map((d, i) => d - begin[i]! - Math.max(0, -after[i]!));
    x = tf.slice(x, begin, size);
  }
  return [x];
}

function expand(ctx: OpContext): OpResult {
  const x = ctx.input(0);
  const target = ctx.ints(1);
  const rank = Math.max(x.rank, target.length);
  const xs = [...Array<number>(rank - x.rank).fill(1), ...x.shape];
  const ts = [...Array<number>(rank - target.length).fill(1), ...target];
  const out = xs.map((d, i) => (d === 1 ? ts[i]! : d));
  return [ctx.tf.broadcastTo(ctx.tf.reshape(x, xs), out)];
}

function range(ctx: OpContext): OpResult {
  const [start, limit, delta] = [0, 1, 2].map((i) => ctx.floats(i)[0] ?? 0);
  const dtype = ctx.input(0).dtype === 'int32' ? 'int32' : 'float32';
  return [ctx.tf.range(start!, limit!, delta!, dtype)];
}

function constantOfShape(ctx: OpContext): OpResult {
  const value = ctx.tensorAttr('value');
  const dtype = value?.dtype ?? 'float32';
  const v = value ? value.data[0] ?? 0 : 0;
  return [ctx.tf.fill(ctx.ints(0), v, dtype === 'bool' ? 'bool' : dtype)];
}

export const shapeOps: Record<string, OpFn> = {
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Concat: concat,
  Slice: slice,
  Gather: gather,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Shape: shapeOp,
  Size: (ctx) => [ctx.tf.scalar(graphShape(ctx, 0).reduce((a, b) => a * b, 1), 'int32')],
  Pad: pad,
  Expand: expand,
  Range: range,
  ConstantOfShape: constantOfShape,
};
