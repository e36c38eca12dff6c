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

/**
 * Resize on 4-D NCHW tensors over H and W, mapped onto tfjs's resize kernels (which have gradients).
 * Supported: linear with half_pixel/pytorch_half_pixel/align_corners/asymmetric, and nearest with
 * asymmetric+floor, align_corners, or half_pixel at integer upsampling factors.
 */
function resize(ctx: OpContext): OpResult {
  const tf = ctx.tf;
  const raw = ctx.raw(0);
  const shape = raw.nhwc ? [raw.t.shape[0]!, raw.t.shape[3]!, raw.t.shape[1]!, raw.t.shape[2]!] : [...raw.t.shape];
  if (shape.length !== 4) throw ctx.error('resizes a tensor that is not 4-D');
  let size: number[];
  const sizesIdx = ctx.opset < 11 ? -1 : 3;
  const scalesIdx = ctx.opset < 11 ? 1 : 2;
  if (sizesIdx > 0 && ctx.has(sizesIdx) && ctx.input(sizesIdx).size > 0) size = ctx.ints(sizesIdx);
  else {
    const scales = ctx.floats(scalesIdx);
    size = shape.map((d, i) => Math.floor(d * (scales[i] ?? 1)));
  }
  if (size[0] !== shape[0] || size[1] !== shape[1]) throw ctx.error('resizes the batch or channel axis');
  const hw: [number, number] = [size[2]!, size[3]!];
  const mode = ctx.str('mode', 'nearest');
  const coord = ctx.str('coordinate_transformation_mode', 'half_pixel');
  const x = ctx.inputNhwc(0);
  if (mode === 'linear') {
    if (!['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric'].includes(coord)) throw ctx.error(`uses coordinate mode '${coord}', which is not supported`);
    return [{ t: tf.image.resizeBilinear(x as never, hw, coord === 'align_corners', coord.endsWith('half_pixel')), nhwc: true }];
  }
  if (mode === 'nearest') {
    const nearest = ctx.str('nearest_mode', 'round_prefer_floor');
    const integerUp = hw[0] % shape[2]! === 0 && hw[1] % shape[3]! === 0;
    if (coord === 'asymmetric' && nearest === 'floor') return [{ t: tf.image.resizeNearestNeighbor(x as never, hw, false, false), nhwc: true }];
    if (coord === 'align_corners' && nearest.startsWith('round')) return [{ t: tf.image.resizeNearestNeighbor(x as never, hw, true, false), nhwc: true }];
    if ((coord === 'half_pixel' || coord === 'pytorch_half_pixel') && integerUp) return [{ t: tf.image.resizeNearestNeighbor(x as never, hw, false, true), nhwc: true }];
    throw ctx.error(`uses nearest resize with '${coord}'/'${nearest}', which is not supported`);
  }
  throw ctx.error(`uses resize mode '${mode}', which is not supported`);
}

export const reduceResizeOps: Record<string, OpFn> = {
  ReduceMean: reduce('mean', 18),
  ReduceSum: reduce('sum', 13),
  ReduceMax: reduce('max', 18),
  Resize: resize,
};
