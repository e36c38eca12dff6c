import { intsAttr, noRule, numberAttr, stringAttr, unbroadcast, type BackwardRule, type RuleContext } from './rule.js';

const ins = (ctx: RuleContext, i: number): string => ctx.node.inputs[i] ?? '';
const out = (ctx: RuleContext): string => ctx.node.outputs[0] ?? '';

/** Gelu: exact Φ(x) + x·φ(x); tanh form differentiated as written. */
const gelu: BackwardRule = (ctx, g) => {
  const { e } = ctx;
  const x = ins(ctx, 0);
  const mul = (a: string, b: string): string => e.op('Mul', [a, b]);
  const add = (a: string, b: string): string => e.op('Add', [a, b]);
  if (stringAttr(ctx.node, 'approximate', 'none') === 'tanh') {
    const c = Math.sqrt(2 / Math.PI);
    const x2 = mul(x, x);
    const t = e.op('Tanh', [mul(e.scalar(c), add(x, mul(e.scalar(0.044715), mul(x2, x))))]);
    const du = mul(e.scalar(c), add(e.scalar(1), mul(e.scalar(3 * 0.044715), x2)));
    const slope = add(mul(e.scalar(0.5), add(e.scalar(1), t)), mul(mul(e.scalar(0.5), x), mul(e.op('Sub', [e.scalar(1), mul(t, t)]), du)));
    return [mul(g, slope)];
  }
  const cdf = mul(e.scalar(0.5), add(e.scalar(1), e.op('Erf', [mul(x, e.scalar(Math.SQRT1_2))])));
  const pdf = mul(e.scalar(1 / Math.sqrt(2 * Math.PI)), e.op('Exp', [mul(e.scalar(-0.5), mul(x, x))]));
  return [mul(g, add(cdf, mul(x, pdf)))];
};

/**
 * LayerNormalization over axes [axis, rank): with x̂ = (x − μ)/σ and ĝ = g·scale,
 * dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / σ.
 */
const layerNormalization: BackwardRule = (ctx, g) => {
  const { e, node } = ctx;
  if (ctx.needs(1) || ctx.needs(2) || node.outputs.filter(Boolean).length > 1) noRule(ctx, 'parameters depend on the input, or the statistics are outputs');
  const x = ins(ctx, 0);
  const rank = ctx.shapeOf(x).length;
  const rawAxis = numberAttr(node, 'axis', -1);
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  if (axis === 0) noRule(ctx, 'normalisation over the batch axis');
  const axes = Array.from({ length: rank - axis }, (_, i) => axis + i);
  const mean = (t: string): string => (e.opset >= 18 ? e.op('ReduceMean', [t, e.int64s(axes)]) : e.op('ReduceMean', [t], { axes: { ints: axes } }));
  const centred = e.op('Sub', [x, mean(x)]);
  const inverseStd = e.op('Reciprocal', [e.op('Sqrt', [e.op('Add', [mean(e.op('Mul', [centred, centred])), e.scalar(numberAttr(node, 'epsilon', 1e-5))])])]);
  const xHat = e.op('Mul', [centred, inverseStd]);
  const gHat = e.op('Mul', [g, ins(ctx, 1)]);
  const inner = e.op('Sub', [e.op('Sub', [gHat, mean(gHat)]), e.op('Mul', [xHat, mean(e.op('Mul', [gHat, xHat]))])]);
  return [e.op('Mul', [inner, inverseStd])];
};

/** Slice with unit steps and constant bounds: the gradient is zero-padded back to the input's shape. */
const slice: BackwardRule = (ctx, g) => {
  const { e, node } = ctx;
  if (e.opset < 11) noRule(ctx, 'Slice before opset 11');
  const values = (i: number): number[] | undefined => {
    const t = node.inputs[i] ? ctx.constant(node.inputs[i]) : undefined;
    return t ? Array.from(t.data, Number) : undefined;
  };
  const shape = ctx.shapeOf(ins(ctx, 0));
  const starts = values(1);
  const ends = values(2);
  if (!starts || !ends || (node.inputs[3] && !values(3)) || (node.inputs[4] && !values(4))) noRule(ctx, 'non-constant slice bounds');
  const axes = (values(3) ?? starts.map((_, i) => i)).map((a) => (a < 0 ? a + shape.length : a));
  if ((values(4) ?? []).some((s) => s !== 1)) noRule(ctx, 'slice steps other than 1');
  const pads = new Array<number>(2 * shape.length).fill(0);
  axes.forEach((a, i) => {
    const dim = shape[a]!;
    const clamp = (v: number): number => Math.min(dim, Math.max(0, v < 0 ? v + dim : v));
    const begin = clamp(starts[i]!);
    const end = Math.max(begin, clamp(ends[i]!));
    pads[a] = begin;
    pads[a + shape.length] = dim - end;
  });
  if (pads[0] !== 0 || pads[shape.length] !== 0) noRule(ctx, 'slicing along the batch axis');
  return [e.op('Pad', [g, e.int64s(pads)])];
};

const expand: BackwardRule = (ctx, g) => [unbroadcast(ctx, g, ins(ctx, 0), out(ctx))];

/** Where(c, a, b): the gradient goes to a where c holds, to b elsewhere. */
const where: BackwardRule = (ctx, g) => {
  const { e } = ctx;
  const zero = e.scalar(0);
  return [
    undefined,
    ctx.needs(1) ? unbroadcast(ctx, e.op('Where', [ins(ctx, 0), g, zero]), ins(ctx, 1), out(ctx)) : undefined,
    ctx.needs(2) ? unbroadcast(ctx, e.op('Where', [ins(ctx, 0), zero, g]), ins(ctx, 2), out(ctx)) : undefined,
  ];
};

/** ReduceMax: the gradient goes to every element equal to its maximum (as tfjs does). */
const reduceMax: BackwardRule = (ctx, g) => {
  const { e, node } = ctx;
  const x = ins(ctx, 0);
  const shape = ctx.shapeOf(x);
  const fromInput = node.inputs[1] ? ctx.constant(node.inputs[1]) : undefined;
  if (node.inputs[1] && !fromInput) noRule(ctx, 'reduction axes are not constant');
  const axes = (fromInput ? Array.from(fromInput.data, Number) : intsAttr(node, 'axes') ?? shape.map((_, i) => i)).map((a) => (a < 0 ? a + shape.length : a)).sort((a, b) => a - b);
  if (axes.includes(0)) noRule(ctx, 'reduction over the batch axis');
  const keep = numberAttr(node, 'keepdims', 1) === 1;
  const widen = (t: string): string => e.op('Expand', [keep ? t : e.unsqueeze(t, axes), e.op('Shape', [x])]);
  return [e.op('Mul', [widen(g), e.mask(e.op('Equal', [x, widen(out(ctx))]))])];
};

export const extraRules: Record<string, BackwardRule> = { Gelu: gelu, LayerNormalization: layerNormalization, Slice: slice, Expand: expand, Where: where, ReduceMax: reduceMax };
