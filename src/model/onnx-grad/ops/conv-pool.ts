import { maxPoolBackward } from '../kernels/max-pool-backward.js';
import type { OpContext, OpFn, OpResult, T } from '../op-context.js';

/**
 * Convolutions and pools. ONNX is NCHW; tfjs kernels are NHWC, so these ops read NHWC inputs and
 * return NHWC values, and the interpreter transposes only where an NCHW-only op follows.
 * 1-D variants ([N, C, L]) run as 2-D with H = 1.
 */

interface Window {
  readonly kernel: [number, number];
  readonly strides: [number, number];
  readonly dilations: [number, number];
  /** [top, left, bottom, right] */
  readonly pads: [number, number, number, number];
}

function pair(values: number[] | undefined, fallback: number, oneD: boolean): [number, number] {
  if (!values || values.length === 0) return [fallback, fallback];
  return oneD ? [1, values[0] ?? fallback] : [values[0] ?? fallback, values[1] ?? fallback];
}

/** Reads kernel/strides/dilations/pads (or auto_pad) of a 1-D or 2-D window op. */
function readWindow(ctx: OpContext, inHW: [number, number], kernel: [number, number], oneD: boolean): Window {
  if ((ctx.intList('kernel_shape')?.length ?? (oneD ? 1 : 2)) > 2) throw ctx.error('is 3-D; only 1-D and 2-D windows are supported');
  const strides = pair(ctx.intList('strides'), 1, oneD);
  const dilations = pair(ctx.intList('dilations'), 1, oneD);
  const autoPad = ctx.str('auto_pad', 'NOTSET');
  let pads: [number, number, number, number] = [0, 0, 0, 0];
  const p = ctx.intList('pads');
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const begin: number[] = [];
    const end: number[] = [];
    for (let d = 0; d < 2; d++) {
      const s = strides[d]!;
      const extent = (kernel[d]! - 1) * dilations[d]! + 1;
      const total = Math.max(0, (Math.ceil(inHW[d]! / s) - 1) * s + extent - inHW[d]!);
      const small = Math.floor(total / 2);
      begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      end.push(autoPad === 'SAME_UPPER' ? total - small : small);
    }
    pads = [begin[0]!, begin[1]!, end[0]!, end[1]!];
  } else if (p && autoPad === 'NOTSET') {
    pads = oneD ? [0, p[0] ?? 0, 0, p[1] ?? 0] : [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 0];
  }
  return { kernel, strides, dilations, pads };
}

/** Input as NHWC plus whether it was 1-D. */
function nhwcInput(ctx: OpContext, i: number): { x: T; oneD: boolean } {
  const raw = ctx.raw(i);
  if (!raw.nhwc && raw.t.rank === 3) {
    const x = ctx.input(i);
    return { x: ctx.tf.transpose(ctx.tf.expandDims(x, 2), [0, 2, 3, 1]), oneD: true };
  }
  return { x: ctx.inputNhwc(i), oneD: false };
}

function finish(ctx: OpContext, y: T, oneD: boolean): OpResult {
  if (oneD) return [ctx.tf.squeeze(ctx.tf.transpose(y, [0, 3, 1, 2]), [2])];
  return [{ t: y, nhwc: true }];
}

/** ONNX weight [M, C/g, kh, kw] (or [M, C/g, k]) as a tfjs filter [kh, kw, C/g, M]. */
function filterOf(ctx: OpContext, w: T): T {
  const w4 = w.rank === 3 ? ctx.tf.expandDims(w, 2) : w;
  return ctx.tf.transpose(w4, [2, 3, 1, 0]);
}

function conv(ctx: OpContext): OpResult {
  const tf = ctx.tf;
  const { x, oneD } = nhwcInput(ctx, 0);
  const weight = ctx.input(1);
  const filter = filterOf(ctx, weight);
  const kernel: [number, number] = [filter.shape[0]!, filter.shape[1]!];
  const win = readWindow(ctx, [x.shape[1]!, x.shape[2]!], kernel, oneD);
  const group = ctx.int('group', 1);
  // A weight being trained (a tf.Variable, see src/train) needs its gradient: the fast path has none.
  const constantFilter = !(weight instanceof tf.Variable);
  const [t, l, b, r] = win.pads;
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [t, b], [l, r], [0, 0]];
  const dilated = win.dilations[0] !== 1 || win.dilations[1] !== 1;
  const strided = win.strides[0] !== 1 || win.strides[1] !== 1;
  const run = (xi: T, fi: T): T => {
    if (constantFilter && fastPath(win)) {
      const y1 = convUnitStride(ctx, xi, fi, win);
      return strided ? subsample(ctx, y1, win.strides) : y1;
    }
    if (dilated && strided) return subsample(ctx, tf.conv2d(xi as never, fi as never, 1, pad, 'NHWC', win.dilations), win.strides);
    return tf.conv2d(xi as never, fi as never, win.strides, pad, 'NHWC', win.dilations);
  };
  let y: T;
  if (group === 1) y = run(x, filter);
  else {
    const xs = tf.split(x, group, 3);
    const fs = tf.split(filter, group, 3);
    y = tf.concat(xs.map((xi, g) => run(xi, fs[g]!)), 3);
  }
  const bias = ctx.optional(2);
  if (bias) y = tf.add(y, bias);
  return finish(ctx, y, oneD);
}

/** Every s-th row and column of an NHWC tensor (tfjs cannot stride and dilate in one conv). */
function subsample(ctx: OpContext, y: T, strides: [number, number]): T {
  const tf = ctx.tf;
  let out = y;
  for (const [axis, s] of [[1, strides[0]], [2, strides[1]]] as const) {
    if (s === 1) continue;
    const dim = out.shape[axis]!;
    const keep = Math.ceil(dim / s);
    const padded = tf.pad(out, out.shape.map((_, i) => [0, i === axis ? keep * s - dim : 0] as [number, number]));
    const shape = [...padded.shape];
    shape.splice(axis, 1, keep, s);
    const begin = shape.map(() => 0);
    const size = shape.map((d, i) => (i === axis + 1 ? 1 : d));
    out = tf.reshape(tf.slice(tf.reshape(padded, shape), begin, size), out.shape.map((d, i) => (i === axis ? keep : d)));
  }
  return out;
}

/** Effective (dilated) kernel extent. */
function extent(win: Window): [number, number] {
  return [(win.kernel[0] - 1) * win.dilations[0] + 1, (win.kernel[1] - 1) * win.dilations[1] + 1];
}

/** Stride-1 (or dilated, then subsampled) convolutions whose pads allow the flipped-filter gradient. */
function fastPath(win: Window): boolean {
  const [t, l, b, r] = win.pads;
  const [eh, ew] = extent(win);
  const unit = win.strides[0] === 1 && win.strides[1] === 1;
  const dilated = win.dilations[0] !== 1 || win.dilations[1] !== 1;
  return (unit || dilated) && Math.max(t, b) < eh && Math.max(l, r) < ew;
}

/**
 * Stride-1 (possibly dilated) convolution whose input gradient is itself a forward convolution with the flipped,
 * channel-swapped filter (the "full" correlation). tfjs-wasm's Conv2DBackpropInput is a naive loop
 * while Conv2D runs on XNNPACK, so this is several times faster; the result is the same sum.
 * The filter is a constant here: no filter gradient is produced.
 */
function convUnitStride(ctx: OpContext, x: T, filter: T, win: Window): T {
  const tf = ctx.tf;
  const [t, l, b, r] = win.pads;
  const [kh, kw] = extent(win);
  const fn = tf.customGrad((input, save) => {
    const value: T = tf.conv2d(input as never, filter as never, 1, [[0, 0], [t, b], [l, r], [0, 0]], 'NHWC', win.dilations);
    (save as (tensors: T[]) => void)([tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2])]);
    const gradFunc = (dy: T, saved: T[]): T =>
      tf.conv2d(dy as never, saved[0] as never, 1, [[0, 0], [kh - 1 - t, kh - 1 - b], [kw - 1 - l, kw - 1 - r], [0, 0]], 'NHWC', win.dilations);
    return { value, gradFunc };
  });
  return fn(x) as T;
}

function convTranspose(ctx: OpContext): OpResult {
  const tf = ctx.tf;
  const { x, oneD } = nhwcInput(ctx, 0);
  const filter = filterOf(ctx, ctx.input(1)); // [kh, kw, M/g, C]
  const kernel: [number, number] = [filter.shape[0]!, filter.shape[1]!];
  const win = readWindow(ctx, [x.shape[1]!, x.shape[2]!], kernel, oneD);
  if (win.dilations[0] !== 1 || win.dilations[1] !== 1) throw ctx.error('uses dilations, which ConvTranspose does not support here');
  const outPad = pair(ctx.intList('output_padding'), 0, oneD);
  const group = ctx.int('group', 1);
  const inHW = [x.shape[1]!, x.shape[2]!];
  const full = [0, 1].map((d) => (inHW[d]! - 1) * win.strides[d]! + kernel[d]! + outPad[d]!);
  let pads = win.pads;
  const outputShape = ctx.intList('output_shape');
  if (outputShape && outputShape.length > 0) {
    const want = oneD ? [1, outputShape[0]!] : [outputShape[0]!, outputShape[1]!];
    const total = [0, 1].map((d) => full[d]! - want[d]!);
    const upper = ctx.str('auto_pad', 'NOTSET') === 'SAME_UPPER';
    const begin = total.map((v) => (upper ? Math.floor(v / 2) : v - Math.floor(v / 2)));
    pads = [begin[0]!, begin[1]!, total[0]! - begin[0]!, total[1]! - begin[1]!];
  }
  const run = (xi: T, fi: T): T => {
    const shape: [number, number, number, number] = [xi.shape[0]!, full[0]!, full[1]!, fi.shape[2]!];
    return tf.conv2dTranspose(xi as never, fi as never, shape, win.strides, 'valid');
  };
  let y: T;
  if (group === 1) y = run(x, filter);
  else {
    const xs = tf.split(x, group, 3);
    const fs = tf.split(filter, group, 3);
    y = tf.concat(xs.map((xi, g) => run(xi, fs[g]!)), 3);
  }
  const [t, l, b, r] = pads;
  y = tf.slice(y, [0, t, l, 0], [-1, full[0]! - t - b, full[1]! - l - r, -1]);
  const bias = ctx.optional(2);
  if (bias) y = tf.add(y, bias);
  return finish(ctx, y, oneD);
}

/** End padding needed so that ceil_mode windows fit. */
function ceilExtra(ctx: OpContext, inHW: [number, number], win: Window): [number, number] {
  if (ctx.int('ceil_mode', 0) !== 1) return [0, 0];
  return [0, 1].map((d) => {
    const padded = inHW[d]! + win.pads[d]! + win.pads[d + 2]!;
    const extent = (win.kernel[d]! - 1) * win.dilations[d]! + 1;
    let out = Math.ceil((padded - extent) / win.strides[d]!) + 1;
    if ((out - 1) * win.strides[d]! >= inHW[d]! + win.pads[d]!) out -= 1;
    return Math.max(0, (out - 1) * win.strides[d]! + extent - padded);
  }) as [number, number];
}

/** Valid max pool whose gradient runs on the host (first maximum per window, as PyTorch). */
function maxPoolValid(ctx: OpContext, x: T, kernel: [number, number], strides: [number, number]): T {
  const tf = ctx.tf;
  const fn = tf.customGrad((input, save) => {
    (save as (tensors: T[]) => void)([input as T]);
    const value: T = tf.maxPool(input as never, kernel, strides, 'valid');
    const gradFunc = (dy: T, saved: T[]): T => {
      const xs = saved[0]!;
      const dx = maxPoolBackward(xs.dataSync() as Float32Array, dy.dataSync() as Float32Array, xs.shape as [number, number, number, number], kernel, strides);
      return tf.tensor(dx, xs.shape, 'float32');
    };
    return { value, gradFunc };
  });
  return fn(x) as T;
}

function pool(kind: 'max' | 'avg'): OpFn {
  return (ctx) => {
    const tf = ctx.tf;
    const { x, oneD } = nhwcInput(ctx, 0);
    const ks = ctx.intList('kernel_shape') ?? [];
    const kernel: [number, number] = oneD ? [1, ks[0] ?? 1] : [ks[0] ?? 1, ks[1] ?? 1];
    const inHW: [number, number] = [x.shape[1]!, x.shape[2]!];
    const win = readWindow(ctx, inHW, kernel, oneD);
    if (win.dilations[0] !== 1 || win.dilations[1] !== 1) throw ctx.error('uses dilations, which pools do not support here');
    if (ctx.node.outputs.length > 1 && ctx.node.outputs[1]) throw ctx.error('asks for the Indices output, which is not supported');
    const extra = ceilExtra(ctx, inHW, win);
    const [t, l, b, r] = win.pads;
    const padding: [number, number][] = [[0, 0], [t, b + extra[0]], [l, r + extra[1]], [0, 0]];
    const padded = t + l + b + r + extra[0] + extra[1] > 0;
    if (kind === 'max') {
      const xp = padded ? tf.pad(x, padding, -Infinity) : x;
      return finish(ctx, maxPoolValid(ctx, xp, kernel, win.strides), oneD);
    }
    if (!padded) return finish(ctx, tf.avgPool(x as never, kernel, win.strides, 'valid'), oneD);
    const includePad = ctx.int('count_include_pad', 0) === 1;
    const maskInner = includePad ? [inHW[0] + t + b, inHW[1] + l + r] : inHW;
    const maskPad: [number, number][] = includePad ? [[0, 0], [0, extra[0]], [0, extra[1]], [0, 0]] : padding;
    const mask = tf.pad(tf.ones([1, maskInner[0]!, maskInner[1]!, 1]), maskPad, 0);
    const sum = tf.avgPool(tf.pad(x, padding, 0) as never, kernel, win.strides, 'valid');
    const count = tf.avgPool(mask as never, kernel, win.strides, 'valid');
    return finish(ctx, tf.div(sum, count), oneD);
  };
}

function globalPool(kind: 'max' | 'avg'): OpFn {
  return (ctx) => {
    const raw = ctx.raw(0);
    if (raw.nhwc) {
      const y = kind === 'avg' ? ctx.tf.mean(raw.t, [1, 2], true) : ctx.tf.max(raw.t, [1, 2], true);
      return [{ t: y, nhwc: true }];
    }
    const x = ctx.input(0);
    const axes = [...Array(x.rank).keys()].slice(2);
    return [kind === 'avg' ? ctx.tf.mean(x, axes, true) : ctx.tf.max(x, axes, true)];
  };
}

/** BatchNormalization in inference form: y = x·a + b with a = scale/√(var+ε), b = B − mean·a. */
function batchNorm(ctx: OpContext): OpResult {
  const tf = ctx.tf;
  const eps = ctx.float('epsilon', 1e-5);
  const a = tf.div(ctx.input(1), tf.sqrt(tf.add(ctx.input(4), eps)));
  const b = tf.sub(ctx.input(2), tf.mul(ctx.input(3), a));
  const raw = ctx.raw(0);
  if (raw.nhwc) return [{ t: tf.add(tf.mul(raw.t, a), b), nhwc: true }];
  const x = ctx.input(0);
  const shape = [-1, ...Array<number>(Math.max(0, x.rank - 2)).fill(1)];
  return [tf.add(tf.mul(x, tf.reshape(a, shape)), tf.reshape(b, shape))];
}

function layerNorm(ctx: OpContext): OpResult {
  const tf = ctx.tf;
  const x = ctx.input(0);
  const axis = ctx.int('axis', -1);
  const start = axis < 0 ? axis + x.rank : axis;
  const axes = [...Array(x.rank).keys()].slice(start);
  const eps = ctx.float('epsilon', 1e-5);
  const { mean, variance } = tf.moments(x, axes, true);
  let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  y = tf.mul(y, ctx.input(1));
  const bias = ctx.optional(2);
  if (bias) y = tf.add(y, bias);
  return [y];
}

export const convPoolOps: Record<string, OpFn> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: globalPool('avg'),
  GlobalMaxPool: globalPool('max'),
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
};
