import type { HostTensor } from '../host-tensor.js';
import { intsAttr, noRule, numberAttr, spatialRank, stringAttr, unbroadcast, type BackwardRule, type RuleContext } from './rule.js';

const ins = (ctx: RuleContext, i: number): string => ctx.node.inputs[i] ?? '';

/** Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A (likewise B). */
const gemm: BackwardRule = (ctx, g) => {
  const { e, node } = ctx;
  const alpha = numberAttr(node, 'alpha', 1);
  const beta = numberAttr(node, 'beta', 1);
  const transA = numberAttr(node, 'transA', 0) === 1;
  const transB = numberAttr(node, 'transB', 0) === 1;
  const [a, b, c] = [ins(ctx, 0), ins(ctx, 1), ins(ctx, 2)];
  const scaled = { alpha: { float: alpha } };
  // dA' = α g B'ᵀ; dA = transA ? (dA')ᵀ = α B' gᵀ : dA'
  const da = ctx.needs(0)
    ? transA
      ? e.op('Gemm', [b, g], { ...scaled, transA: { int: transB ? 1 : 0 }, transB: { int: 1 } })
      : e.op('Gemm', [g, b], { ...scaled, transB: { int: transB ? 0 : 1 } })
    : undefined;
  // dB' = α A'ᵀ g; dB = transB ? (dB')ᵀ = α gᵀ A' : dB'
  const db = ctx.needs(1)
    ? transB
      ? e.op('Gemm', [g, a], { ...scaled, transA: { int: 1 }, transB: { int: transA ? 1 : 0 } })
      : e.op('Gemm', [a, g], { ...scaled, transA: { int: transA ? 0 : 1 } })
    : undefined;
  const dc = c && ctx.needs(2) ? unbroadcast(ctx, beta === 1 ? g : e.op('Mul', [g, e.scalar(beta)]), c, ctx.node.outputs[0] ?? '') : undefined;
  return [da, db, dc];
};

/** Swaps the last two axes of a rank-r tensor. */
function swapLast(ctx: RuleContext, t: string): string {
  const rank = ctx.shapeOf(t).length;
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return ctx.e.op('Transpose', [t], { perm: { ints: perm } });
}

/** numpy matmul semantics for rank ≥ 2 operands (with batch broadcasting), and vector × matrix. */
const matMul: BackwardRule = (ctx, g) => {
  const { e } = ctx;
  const [a, b] = [ins(ctx, 0), ins(ctx, 1)];
  const y = ctx.node.outputs[0] ?? '';
  const ra = ctx.shapeOf(a).length;
  const rb = ctx.shapeOf(b).length;
  if (ra === 1 && rb === 2) {
    if (ctx.needs(1)) noRule(ctx, 'gradient of the matrix in a vector × matrix product');
    return [e.op('MatMul', [b, g])];
  }
  if (ra < 2 || rb < 2) noRule(ctx, 'MatMul with a 1-D right operand');
  const da = ctx.needs(0) ? unbroadcast(ctx, e.op('MatMul', [g, swapLast(ctx, b)]), a, y) : undefined;
  const db = ctx.needs(1) ? unbroadcast(ctx, e.op('MatMul', [swapLast(ctx, a), g]), b, y) : undefined;
  return [da, db];
};

interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Explicit begin…, end… pads. */
  readonly pads: readonly number[];
}

/** Kernel, strides, dilations and explicit pads of a Conv/pool node, resolving auto_pad from static shapes. */
export function windowOf(ctx: RuleContext, kernel: readonly number[]): Window {
  const { node } = ctx;
  const rank = kernel.length;
  const ones = Array.from({ length: rank }, () => 1);
  const strides = intsAttr(node, 'strides') ?? ones;
  const dilations = intsAttr(node, 'dilations') ?? ones;
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  let pads = intsAttr(node, 'pads') ?? Array.from({ length: 2 * rank }, () => 0);
  if (autoPad === 'VALID') pads = Array.from({ length: 2 * rank }, () => 0);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const inShape = ctx.shapeOf(ctx.node.inputs[0] ?? '').slice(2);
    const begin: number[] = [];
    const end: number[] = [];
    for (let d = 0; d < rank; d++) {
      const size = inShape[d]!;
      const outSize = Math.ceil(size / strides[d]!);
      const total = Math.max(0, (outSize - 1) * strides[d]! + dilations[d]! * (kernel[d]! - 1) + 1 - size);
      const small = Math.floor(total / 2);
      begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      end.push(autoPad === 'SAME_UPPER' ? total - small : small);
    }
    pads = [...begin, ...end];
  }
  return { kernel, strides, dilations, pads };
}

/**
 * Attributes of the ConvTranspose that is the adjoint of a strided window op from `input` to
 * `output`: same strides/dilations/pads, and an output padding (or extra end padding, which crops)
 * so that the result has exactly the input's spatial size.
 */
export function adjointWindow(ctx: RuleContext, w: Window, input: string, output: string) {
  const inSize = ctx.shapeOf(input).slice(2);
  const outSize = ctx.shapeOf(output).slice(2);
  const rank = w.kernel.length;
  const pads = [...w.pads];
  const outputPadding: number[] = [];
  for (let d = 0; d < rank; d++) {
    const produced = (outSize[d]! - 1) * w.strides[d]! - pads[d]! - pads[d + rank]! + w.dilations[d]! * (w.kernel[d]! - 1) + 1;
    const extra = inSize[d]! - produced;
    if (extra >= 0) outputPadding.push(extra);
    else {
      outputPadding.push(0);
      pads[d + rank] = pads[d + rank]! - extra;
    }
  }
  return {
    kernel_shape: { ints: w.kernel },
    strides: { ints: w.strides },
    dilations: { ints: w.dilations },
    pads: { ints: pads },
    output_padding: { ints: outputPadding },
  };
}

/**
 * Weights of the convolution whose output is the input gradient of a stride-1 convolution: per
 * group, input and output channels swapped and the kernel flipped.
 */
function flippedWeights(w: HostTensor, group: number): { data: Float32Array; dims: number[] } {
  const [m, cPerGroup, ...kernel] = w.shape as number[];
  const size = kernel.reduce((a, b) => a * b, 1);
  const mPerGroup = m! / group;
  const out = new Float32Array(w.data.length);
  for (let gi = 0; gi < group; gi++) {
    for (let mo = 0; mo < mPerGroup; mo++) {
      for (let c = 0; c < cPerGroup!; c++) {
        const from = ((gi * mPerGroup + mo) * cPerGroup! + c) * size;
        const to = ((gi * cPerGroup! + c) * mPerGroup + mo) * size;
        for (let k = 0; k < size; k++) out[to + size - 1 - k] = Number(w.data[from + k]);
      }
    }
  }
  return { data: out, dims: [group * cPerGroup!, mPerGroup, ...kernel] };
}

/**
 * For few input channels C (grayscale or RGB images): each of the M gradient channels is convolved
 * with its own C flipped filters (a depthwise convolution with M groups, M·C outputs), then summed
 * over M — onnxruntime's blocked kernels would otherwise pad a C-channel output to a full block.
 */
function depthwiseInputGradient(ctx: RuleContext, g: string, weights: HostTensor, window: { kernel: readonly number[]; dilations: readonly number[]; pads: readonly number[] }): string {
  const { e } = ctx;
  const [m, c, ...kernel] = weights.shape as number[];
  const size = kernel.reduce((a, b) => a * b, 1);
  const data = new Float32Array(weights.data.length);
  for (let mo = 0; mo < m!; mo++) for (let ci = 0; ci < c!; ci++) for (let k = 0; k < size; k++) data[(mo * c! + ci) * size + size - 1 - k] = Number(weights.data[(mo * c! + ci) * size + k]);
  const spread = e.op('Conv', [g, e.floats(data, [m! * c!, 1, ...kernel])], { kernel_shape: { ints: window.kernel }, dilations: { ints: window.dilations }, pads: { ints: window.pads }, group: { int: m! } });
  const perChannel = e.op('Reshape', [spread, e.int64s([0, m!, c!, -1])]);
  return e.reshapeLike(e.reduceSum(perChannel, [1], false), ins(ctx, 0));
}

/**
 * Input gradient of a convolution: for stride 1 and constant weights, a convolution with flipped
 * weights (onnxruntime's fastest kernel); otherwise the transposed convolution with the same weights.
 */
const conv: BackwardRule = (ctx, g) => {
  if (ctx.needs(1) || ctx.needs(2)) noRule(ctx, 'convolution weights depend on the input');
  const x = ins(ctx, 0);
  const kernel = intsAttr(ctx.node, 'kernel_shape') ?? ctx.shapeOf(ins(ctx, 1)).slice(2);
  const w = windowOf(ctx, kernel);
  const group = numberAttr(ctx.node, 'group', 1);
  const rank = kernel.length;
  const flippedPads = w.pads.map((p, i) => w.dilations[i % rank]! * (kernel[i % rank]! - 1) - p);
  const weights = ctx.constant(ins(ctx, 1));
  if (weights && w.strides.every((s) => s === 1) && flippedPads.every((p) => p >= 0)) {
    if (group === 1 && (weights.shape[1] ?? 0) <= 4) return [depthwiseInputGradient(ctx, g, weights, { kernel, dilations: w.dilations, pads: flippedPads })];
    const flipped = flippedWeights(weights, group);
    const attrs = { kernel_shape: { ints: kernel }, dilations: { ints: w.dilations }, pads: { ints: flippedPads }, group: { int: group } };
    return [ctx.e.op('Conv', [g, ctx.e.floats(flipped.data, flipped.dims)], attrs)];
  }
  const attrs = adjointWindow(ctx, w, x, ctx.node.outputs[0] ?? '');
  if (attrs.output_padding.ints.some((p, d) => p >= Math.max(w.strides[d]!, w.dilations[d]!))) noRule(ctx, 'output padding beyond the stride');
  return [ctx.e.op('ConvTranspose', [g, ins(ctx, 1)], { ...attrs, group: { int: group } })];
};

/** Input gradient of a transposed convolution: the convolution with the same weights. */
const convTranspose: BackwardRule = (ctx, g) => {
  if (ctx.needs(1) || ctx.needs(2)) noRule(ctx, 'convolution weights depend on the input');
  if (stringAttr(ctx.node, 'auto_pad', 'NOTSET') !== 'NOTSET' || ctx.node.attrs.has('output_shape')) noRule(ctx, 'auto_pad or output_shape on ConvTranspose');
  const kernel = intsAttr(ctx.node, 'kernel_shape') ?? ctx.shapeOf(ins(ctx, 1)).slice(2);
  const w = windowOf(ctx, kernel);
  if (spatialRank(ctx, ins(ctx, 0)) !== kernel.length) noRule(ctx, 'kernel rank differs from the input');
  return [
    ctx.e.op('Conv', [g, ins(ctx, 1)], {
      kernel_shape: { ints: w.kernel },
      strides: { ints: w.strides },
      dilations: { ints: w.dilations },
      pads: { ints: w.pads },
      group: { int: numberAttr(ctx.node, 'group', 1) },
    }),
  ];
};

export const linearRules: Record<string, BackwardRule> = { Gemm: gemm, MatMul: matMul, Conv: conv, ConvTranspose: convTranspose };
