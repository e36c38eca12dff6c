import type { OpContext, OpFn, OpResult } from '../op-context.js';

/** Reductions (axes attribute → input moves: ReduceSum at 13, the others at 18) and Resize. */
function reduce(kind: 'mean' | 'sum' | 'max', axesInputFrom: number): OpFn {
  return (ctx) => {
    const tf = ctx.tf;
    const x = ctx.input(0);
    const keep = ctx.int('keepdims', 1) === 1;
    const axes = ctx.opset >= axesInputFrom ? (ctx.has(1) ? ctx.ints(1) : undefined) : ctx.intList('axes');
    if ((!axes || axes.length === 0) && ctx.int('noop_with_empty_axes', 0) === 1) return [x];
    const ax = axes && axes.length > 0 ? axes.map((a) => (a < 0 ? a + x.rank : a)) : [...Array(x.rank).keys()];
    if (kind === 'mean') return [tf.mean(x, ax, keep)];
    if (kind === 'sum') return [tf.sum(x, ax, keep)];
    return [tf.max(x, ax, keep)];
  };
}

/** Source coordinate of output index `o` along one axis (ONNX Resize coordinate_transformation_mode). */
function sourceCoord(ctx: OpContext, mode: string, o: number, inSize: number, outSize: number, scale: number): number {
  switch (mode) {
    case 'half_pixel': return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel': return outSize > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners': return outSize === 1 ? 0 : (o * (inSize - 1)) / (outSize - 1);
    case 'asymmetric': return o / scale;
    case 'tf_half_pixel_for_nn': return (o + 0.5) / scale;
    default: throw ctx.error(`uses coordinate_transformation_mode '${mode}', which is not supported`);
  }
}

function nearestIndex(ctx: OpContext, mode: string, v: number): number {
  switch (mode) {
    case 'round_prefer_floor': return v - Math.floor(v) === 0.5 ? Math.floor(v) : Math.round(v);
    case 'round_prefer_ceil': return Math.round(v);
    case 'floor': return Math.floor(v);
    case 'ceil': return Math.ceil(v);
    default: throw ctx.error(`uses nearest_mode '${mode}', which is not supported`);
  }
}

/** Interpolation matrix [outSize, inSize] for one axis, following onnxruntime's Resize. */
function axisMatrix(ctx: OpContext, inSize: number, outSize: number, scale: number): Float32Array {
  const mode = ctx.str('mode', 'nearest');
  const coord = ctx.str('coordinate_transformation_mode', 'half_pixel');
  const nearest = ctx.str('nearest_mode', 'round_prefer_floor');
  const m = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const src = sourceCoord(ctx, coord, o, inSize, outSize, scale);
    if (mode === 'nearest') {
      const i = Math.min(Math.max(nearestIndex(ctx, nearest, src), 0), inSize - 1);
      m[o * inSize + i] = 1;
    } else if (mode === 'linear') {
      const x = Math.min(Math.max(src, 0), inSize - 1);
      const i0 = Math.floor(x);
      const i1 = Math.min(i0 + 1, inSize - 1);
      const w = x - i0;
      m[o * inSize + i0]! += 1 - w;
      m[o * inSize + i1]! += w;
    } else throw ctx.error(`uses resize mode '${mode}', which is not supported (nearest and linear are)`);
  }
  return m;
}

/**
 * ONNX Resize (opsets 11–18; Upsample-style scales at 10) as separable interpolation matrices applied
 * with matMul on every axis that changes size, so gradients are exact and any coordinate mode works.
 * tfjs's own resize gradients are wrong for non-square images, hence not used.
 */
function resize(ctx: OpContext): OpResult {
  const tf = ctx.tf;
  let x = ctx.input(0);
  const shape = [...x.shape];
  const sizesIdx = ctx.opset < 11 ? -1 : 3;
  const scalesIdx = ctx.opset < 11 ? 1 : 2;
  let size: number[];
  let scales: number[];
  if (sizesIdx > 0 && ctx.has(sizesIdx) && ctx.input(sizesIdx).size > 0) {
    size = ctx.ints(sizesIdx);
    scales = size.map((s, i) => s / shape[i]!);
  } else {
    scales = ctx.floats(scalesIdx);
    size = shape.map((d, i) => Math.floor(d * (scales[i] ?? 1)));
  }
  if (ctx.str('coordinate_transformation_mode', 'half_pixel') === 'tf_crop_and_resize') throw ctx.error("uses 'tf_crop_and_resize', which is not supported");
  for (let axis = 0; axis < shape.length; axis++) {
    const inSize = x.shape[axis]!;
    const outSize = size[axis]!;
    if (inSize === outSize && (scales[axis] ?? 1) === 1) continue;
    const m = tf.tensor2d(axisMatrix(ctx, inSize, outSize, scales[axis] ?? outSize / inSize), [outSize, inSize]);
    const perm = [...Array(x.rank).keys()].filter((d) => d !== axis).concat(axis);
    const moved = tf.transpose(x, perm);
    const flat = tf.reshape(moved, [-1, inSize]);
    const out = tf.reshape(tf.matMul(flat, m, false, true), [...moved.shape.slice(0, -1), outSize]);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    x = tf.transpose(out, inverse);
  }
  return [x];
}

export const reduceResizeOps: Record<string, OpFn> = {
  ReduceMean: reduce('mean', 18),
  ReduceSum: reduce('sum', 13),
  ReduceMax: reduce('max', 18),
  Resize: resize,
};
