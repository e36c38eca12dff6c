import { noRule, numberAttr, unbroadcast, type BackwardRule, type RuleContext } from './rule.js';

const ins = (ctx: RuleContext, i: number): string => ctx.node.inputs[i] ?? '';
const out = (ctx: RuleContext): string => ctx.node.outputs[0] ?? '';

const passThrough: BackwardRule = (_ctx, g) => [g];

/**
 * PyTorch's rule: the gradient passes where x > 0 (not at 0), read from the output (y > 0 ⇔ x > 0) so
 * that a fused Conv+Relu need not also materialise its pre-activation. Guided: only positive gradients.
 */
const relu: BackwardRule = (ctx, g) => {
  const { e } = ctx;
  if (ctx.claimed) return [g];
  const upstream = ctx.guided ? e.op('Relu', [g]) : g;
  return [e.op('Where', [e.op('Greater', [out(ctx), e.scalar(0)]), upstream, e.scalar(0)])];
};

const leakyRelu: BackwardRule = (ctx, g) => {
  const { e } = ctx;
  const alpha = numberAttr(ctx.node, 'alpha', 0.01);
  return [e.op('Where', [e.op('Greater', [ins(ctx, 0), e.scalar(0)]), g, e.op('Mul', [g, e.scalar(alpha)])])];
};

const sigmoid: BackwardRule = (ctx, g) => {
  const { e } = ctx;
  const y = out(ctx);
  return [e.op('Mul', [g, e.op('Mul', [y, e.op('Sub', [e.scalar(1), y])])])];
};

const tanh: BackwardRule = (ctx, g) => {
  const { e } = ctx;
  const y = out(ctx);
  return [e.op('Mul', [g, e.op('Sub', [e.scalar(1), e.op('Mul', [y, y])])])];
};

/**
 * Softmax and LogSoftmax backward along their axis. Before opset 13 both act on the input coerced
 * to 2-D at `axis`, so the rule works on flattened views and reshapes back.
 */
function softmaxFamily(log: boolean): BackwardRule {
  return (ctx, g) => {
    const { e } = ctx;
    const rank = ctx.shapeOf(ins(ctx, 0)).length;
    const legacy = e.opset < 13;
    const rawAxis = numberAttr(ctx.node, 'axis', legacy ? 1 : -1);
    const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
    const flat = legacy && axis !== rank - 1;
    const view = (t: string): string => (flat ? e.op('Flatten', [t], { axis: { int: axis } }) : t);
    const reduceAxis = flat ? 1 : axis;
    const y = view(out(ctx));
    const gv = view(g);
    let dx: string;
    if (log) {
      dx = e.op('Sub', [gv, e.op('Mul', [e.op('Exp', [y]), e.reduceSum(gv, [reduceAxis], true)])]);
    } else {
      dx = e.op('Mul', [y, e.op('Sub', [gv, e.reduceSum(e.op('Mul', [gv, y]), [reduceAxis], true)])]);
    }
    return [flat ? e.reshapeLike(dx, ins(ctx, 0)) : dx];
  };
}

/** torch.clamp's rule: the gradient passes where lo ≤ x ≤ hi. */
const clip: BackwardRule = (ctx, g) => {
  const { e } = ctx;
  if (e.opset < 11) noRule(ctx, 'Clip with attribute bounds (opset < 11)');
  const x = ins(ctx, 0);
  let keep = g;
  const lo = ins(ctx, 1);
  const hi = ins(ctx, 2);
  if (lo) keep = e.op('Mul', [keep, e.mask(e.op('Not', [e.op('Less', [x, lo])]))]);
  if (hi) keep = e.op('Mul', [keep, e.mask(e.op('Not', [e.op('Greater', [x, hi])]))]);
  return [keep];
};

function binary(grads: (ctx: RuleContext, g: string) => [() => string, () => string]): BackwardRule {
  return (ctx, g) => {
    const [da, db] = grads(ctx, g);
    return [
      ctx.needs(0) ? unbroadcast(ctx, da(), ins(ctx, 0), out(ctx)) : undefined,
      ctx.needs(1) ? unbroadcast(ctx, db(), ins(ctx, 1), out(ctx)) : undefined,
    ];
  };
}

const add = binary((_ctx, g) => [() => g, () => g]);
const sub = binary((ctx, g) => [() => g, () => ctx.e.op('Neg', [g])]);
const mul = binary((ctx, g) => [() => ctx.e.op('Mul', [g, ins(ctx, 1)]), () => ctx.e.op('Mul', [g, ins(ctx, 0)])]);
const div = binary((ctx, g) => [
  () => ctx.e.op('Div', [g, ins(ctx, 1)]),
  () => ctx.e.op('Neg', [ctx.e.op('Div', [ctx.e.op('Mul', [g, out(ctx)]), ins(ctx, 1)])]),
]);

/** x^c for a constant exponent c: c·x^(c−1). */
const pow: BackwardRule = (ctx, g) => {
  const { e } = ctx;
  if (ctx.needs(1)) noRule(ctx, 'the exponent depends on the input');
  const exponent = ctx.constant(ins(ctx, 1));
  if (!exponent || exponent.data.length !== 1) noRule(ctx, 'the exponent is not a constant scalar');
  const c = Number(exponent.data[0]);
  const x = ins(ctx, 0);
  return [unbroadcast(ctx, e.op('Mul', [g, e.op('Mul', [e.scalar(c), e.op('Pow', [x, e.scalar(c - 1)])])]), x, out(ctx))];
};

const sqrt: BackwardRule = (ctx, g) => [ctx.e.op('Div', [g, ctx.e.op('Mul', [ctx.e.scalar(2), out(ctx)])])];
const exp: BackwardRule = (ctx, g) => [ctx.e.op('Mul', [g, out(ctx)])];
const log: BackwardRule = (ctx, g) => [ctx.e.op('Div', [g, ins(ctx, 0)])];
const neg: BackwardRule = (ctx, g) => [ctx.e.op('Neg', [g])];

const erf: BackwardRule = (ctx, g) => {
  const { e } = ctx;
  const x = ins(ctx, 0);
  const density = e.op('Exp', [e.op('Neg', [e.op('Mul', [x, x])])]);
  return [e.op('Mul', [g, e.op('Mul', [e.scalar(2 / Math.sqrt(Math.PI)), density])])];
};

export const elementwiseRules: Record<string, BackwardRule> = {
  Identity: passThrough,
  Dropout: passThrough,
  Relu: relu,
  LeakyRelu: leakyRelu,
  Sigmoid: sigmoid,
  Tanh: tanh,
  Softmax: softmaxFamily(false),
  LogSoftmax: softmaxFamily(true),
  Clip: clip,
  Add: add,
  Sub: sub,
  Mul: mul,
  Div: div,
  Pow: pow,
  Sqrt: sqrt,
  Exp: exp,
  Log: log,
  Neg: neg,
  Erf: erf,
};
