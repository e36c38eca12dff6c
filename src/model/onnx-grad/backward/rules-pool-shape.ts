import { adjointWindow, windowOf } from './rules-linear.js';
import { intsAttr, noRule, numberAttr, stringAttr, type BackwardRule, type RuleContext } from './rule.js';

const ins = (ctx: RuleContext, i: number): string => ctx.node.inputs[i] ?? '';
const out = (ctx: RuleContext): string => ctx.node.outputs[0] ?? '';

/**
 * Max pooling routes each output gradient to the element that won its window: the forward MaxPool
 * also returns its Indices output (flat offsets into the whole input, as in onnxruntime), then MaxUnpool — or,
 * when windows overlap, a scatter-add onto zeros (ScatterElements reduction, opset 16).
 */
const maxPool: BackwardRule = (ctx, g) => {
  const { e, node } = ctx;
  const kernel = intsAttr(node, 'kernel_shape') ?? noRule(ctx, 'no kernel_shape');
  const strides = intsAttr(node, 'strides') ?? kernel.map(() => 1);
  const overlapping = kernel.some((k, d) => k > strides[d]!);
  if (numberAttr(node, 'storage_order', 0) !== 0) noRule(ctx, 'column-major indices (storage_order 1)');
  if (e.opset < 11) noRule(ctx, `max-pool gradients need MaxUnpool with output_shape (opset 11; the graph is opset ${e.opset})`);
  if (overlapping && e.opset < 16) noRule(ctx, `overlapping windows need ScatterElements with reduction (opset 16; the graph is opset ${e.opset})`);
  const x = ins(ctx, 0);
  const indices = ctx.forwardOutput(1);
  if (!overlapping) {
    // Relu → MaxPool: each gradient lands on its window's maximum, where relu' = (maximum > 0), so the
    // Relu mask is applied on the pooled tensor (kernel-size times smaller) before unpooling.
    if (ctx.claimReluInput(0)) {
      const upstream = ctx.guided ? e.op('Relu', [g]) : g;
      g = e.op('Where', [e.op('Greater', [out(ctx), e.scalar(0)]), upstream, e.scalar(0)]);
    }
    // each input element wins at most one window: MaxUnpool writes the gradients at the indices
    if ((intsAttr(node, 'dilations') ?? []).some((d) => d !== 1) || stringAttr(node, 'auto_pad', 'NOTSET') !== 'NOTSET') noRule(ctx, 'dilated or auto-padded max pooling');
    return [e.op('MaxUnpool', [g, indices, e.op('Shape', [x])], { kernel_shape: { ints: kernel }, strides: { ints: strides }, pads: { ints: unpoolPads(ctx, kernel, strides) } })];
  }
  const flatShape = e.int64s([1, -1]);
  const xFlat = e.op('Reshape', [x, flatShape]);
  const zeros = e.op('ConstantOfShape', [e.op('Shape', [xFlat])]);
  const scatter = e.op('ScatterElements', [zeros, e.op('Reshape', [indices, flatShape]), e.op('Reshape', [g, flatShape])], {
    axis: { int: 1 },
    reduction: { string: 'add' },
  });
  return [e.reshapeLike(scatter, x)];
};

/**
 * MaxUnpool checks that its output is at least (out − 1)·stride + kernel − pads; with ceil_mode the
 * last window may hang over the input, so the end pads grow by the overhang (they do not move values).
 */
function unpoolPads(ctx: RuleContext, kernel: readonly number[], strides: readonly number[]): number[] {
  const rank = kernel.length;
  const pads = [...(intsAttr(ctx.node, 'pads') ?? Array.from({ length: 2 * rank }, () => 0))];
  const inSize = ctx.shapeOf(ins(ctx, 0)).slice(2);
  const outSize = ctx.shapeOf(out(ctx)).slice(2);
  for (let d = 0; d < rank; d++) {
    const inferred = (outSize[d]! - 1) * strides[d]! + kernel[d]! - pads[d]! - pads[d + rank]!;
    if (inferred > inSize[d]!) pads[d + rank] = pads[d + rank]! + inferred - inSize[d]!;
  }
  return pads;
}

/** Number of window elements inside the input per output position (for count_include_pad = 0). */
function inBoundsCounts(ctx: RuleContext, window: ReturnType<typeof windowOf>, includePad: boolean): Float32Array {
  const inSize = ctx.shapeOf(ins(ctx, 0)).slice(2);
  const outSize = ctx.shapeOf(out(ctx)).slice(2);
  const rank = outSize.length;
  const total = outSize.reduce((a, b) => a * b, 1);
  const counts = new Float32Array(total);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let count = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const o = rest % outSize[d]!;
      rest = Math.floor(rest / outSize[d]!);
      const start = o * window.strides[d]! - window.pads[d]!;
      const lo = includePad ? -window.pads[d]! : 0;
      const hi = includePad ? inSize[d]! + window.pads[d + rank]! : inSize[d]!;
      const end = Math.min(start + window.kernel[d]!, hi);
      count *= Math.max(0, end - Math.max(start, lo));
    }
    counts[flat] = count;
  }
  return counts;
}

/** Average pooling: divide by each window's count, then spread with a depthwise all-ones transposed convolution. */
const averagePool: BackwardRule = (ctx, g) => {
  const { e, node } = ctx;
  const x = ins(ctx, 0);
  const kernel = intsAttr(node, 'kernel_shape') ?? noRule(ctx, 'no kernel_shape');
  if ((intsAttr(node, 'dilations') ?? []).some((d) => d !== 1)) noRule(ctx, 'dilated average pooling');
  const window = windowOf(ctx, kernel);
  const includePad = numberAttr(node, 'count_include_pad', 0) === 1;
  const outShape = ctx.shapeOf(out(ctx));
  const counts = e.floats(inBoundsCounts(ctx, window, includePad), [1, 1, ...outShape.slice(2)]);
  const channels = ctx.shapeOf(x)[1]!;
  const size = kernel.reduce((a, b) => a * b, 1);
  const ones = e.floats(new Float32Array(channels * size).fill(1), [channels, 1, ...kernel]);
  return [e.op('ConvTranspose', [e.op('Div', [g, counts]), ones], { ...adjointWindow(ctx, window, x, out(ctx)), group: { int: channels } })];
};

const globalAveragePool: BackwardRule = (ctx, g) => {
  const { e } = ctx;
  const x = ins(ctx, 0);
  const size = ctx.shapeOf(x).slice(2).reduce((a, b) => a * b, 1);
  return [e.op('Div', [e.op('Expand', [g, e.op('Shape', [x])]), e.scalar(size)])];
};

/** Inference batch norm is per-channel affine: scale / √(var + ε). */
const batchNormalization: BackwardRule = (ctx, g) => {
  const { e, node } = ctx;
  if ([1, 2, 3, 4].some((i) => ctx.needs(i))) noRule(ctx, 'batch-norm parameters depend on the input');
  const scale = ctx.constant(ins(ctx, 1));
  const variance = ctx.constant(ins(ctx, 4));
  if (!scale || !variance || node.outputs.filter(Boolean).length > 1) noRule(ctx, 'training-mode batch norm or non-constant parameters');
  const eps = numberAttr(node, 'epsilon', 1e-5);
  const factor = Float32Array.from(scale.data, (s, c) => Number(s) / Math.sqrt(Number(variance.data[c]) + eps));
  const rank = ctx.shapeOf(ins(ctx, 0)).length;
  return [e.op('Mul', [g, e.floats(factor, [factor.length, ...Array.from({ length: Math.max(0, rank - 2) }, () => 1)])])];
};

const reshapeBack: BackwardRule = (ctx, g) => [ctx.e.reshapeLike(g, ins(ctx, 0))];

const transpose: BackwardRule = (ctx, g) => {
  const rank = ctx.shapeOf(ins(ctx, 0)).length;
  const perm = intsAttr(ctx.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  return [ctx.e.op('Transpose', [g], { perm: { ints: inverse } })];
};

const concat: BackwardRule = (ctx, g) => {
  const { e, node } = ctx;
  const rank = ctx.shapeOf(out(ctx)).length;
  const rawAxis = numberAttr(node, 'axis', 0);
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  if (axis === 0) noRule(ctx, 'concatenation along the batch axis');
  let offset = 0;
  return node.inputs.map((input, i) => {
    const size = ctx.shapeOf(input)[axis]!;
    const start = offset;
    offset += size;
    return ctx.needs(i) ? e.op('Slice', [g, e.int64s([start]), e.int64s([start + size]), e.int64s([axis])]) : undefined;
  });
};

/** ReduceSum/ReduceMean: expand the gradient back over the reduced axes (÷ count for the mean). */
function reduce(mean: boolean): BackwardRule {
  return (ctx, g) => {
    const { e, node } = ctx;
    const x = ins(ctx, 0);
    const shape = ctx.shapeOf(x);
    const axesFromInput = node.inputs[1] ? ctx.constant(node.inputs[1]) : undefined;
    if (node.inputs[1] && !axesFromInput) noRule(ctx, 'reduction axes are not constant');
    const raw = axesFromInput ? Array.from(axesFromInput.data, Number) : intsAttr(node, 'axes') ?? shape.map((_, i) => i);
    const axes = raw.map((a) => (a < 0 ? a + shape.length : a)).sort((a, b) => a - b);
    if (axes.includes(0)) noRule(ctx, 'reduction over the batch axis');
    const kept = numberAttr(node, 'keepdims', 1) === 1 ? g : e.unsqueeze(g, axes);
    const spread = e.op('Expand', [kept, e.op('Shape', [x])]);
    const count = axes.reduce((p, a) => p * shape[a]!, 1);
    return [mean ? e.op('Div', [spread, e.scalar(count)]) : spread];
  };
}

/** Constant-mode Pad with constant non-negative pads: the gradient is the unpadded window. */
const pad: BackwardRule = (ctx, g) => {
  const { e, node } = ctx;
  const mode = node.attrs.get('mode');
  if (mode !== undefined && mode !== 'constant') noRule(ctx, `pad mode ${String(mode)}`);
  const padsTensor = node.inputs[1] ? ctx.constant(node.inputs[1]) : undefined;
  const pads = padsTensor ? Array.from(padsTensor.data, Number) : intsAttr(node, 'pads');
  if (!pads || pads.some((p) => p < 0) || node.inputs[3]) noRule(ctx, 'non-constant, negative or per-axis pads');
  const shape = ctx.shapeOf(ins(ctx, 0));
  const rank = shape.length;
  if (pads[0] !== 0 || pads[rank] !== 0) noRule(ctx, 'padding along the batch axis');
  const axes = Array.from({ length: rank - 1 }, (_, i) => i + 1);
  const starts = axes.map((a) => pads[a]!);
  const ends = axes.map((a) => pads[a]! + shape[a]!);
  return [e.op('Slice', [g, e.int64s(starts), e.int64s(ends), e.int64s(axes)])];
};

export const poolShapeRules: Record<string, BackwardRule> = {
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
  BatchNormalization: batchNormalization,
  Flatten: reshapeBack,
  Reshape: reshapeBack,
  Squeeze: reshapeBack,
  Unsqueeze: reshapeBack,
  Transpose: transpose,
  Concat: concat,
  ReduceSum: reduce(false),
  ReduceMean: reduce(true),
  Pad: pad,
};
