import { OnnxType } from '../host-tensor.js';
import { normAxis, type OpContext, type OpFn, type T } from '../op-context.js';

/** Arithmetic, activations and logic ops (ONNX operator spec, opsets 11–17). */

function binary(fn: (ctx: OpContext, a: T, b: T) => T): OpFn {
  return (ctx) => [fn(ctx, ctx.input(0), ctx.input(1))];
}

function unary(fn: (ctx: OpContext, x: T) => T): OpFn {
  return (ctx) => [fn(ctx, ctx.input(0))];
}

function gelu(ctx: OpContext, x: T): T {
  const tf = ctx.tf;
  if (ctx.str('approximate', 'none') === 'tanh') {
    const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
  }
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

function clip(ctx: OpContext, x: T): T {
  const tf = ctx.tf;
  const lo = ctx.opset < 11 ? ctx.float('min', -3.4028234663852886e38) : ctx.has(1) ? ctx.floats(1)[0] ?? -Infinity : -Infinity;
  const hi = ctx.opset < 11 ? ctx.float('max', 3.4028234663852886e38) : ctx.has(2) ? ctx.floats(2)[0] ?? Infinity : Infinity;
  return tf.clipByValue(x, lo, hi);
}

/** Softmax/LogSoftmax: opset ≥ 13 along one axis; before 13 over the 2-D coercion at `axis`. */
function softmaxLike(log: boolean): OpFn {
  return (ctx) => {
    const tf = ctx.tf;
    const x = ctx.input(0);
    const apply = (t: T): T => (log ? tf.logSoftmax(t) : tf.softmax(t));
    if (ctx.opset < 13) {
      const axis = normAxis(ctx.int('axis', 1), x.rank);
      const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
      return [tf.reshape(apply(tf.reshape(x, [outer, -1])), x.shape)];
    }
    const axis = normAxis(ctx.int('axis', -1), x.rank);
    if (axis === x.rank - 1) return [apply(x)];
    const perm = [...Array(x.rank).keys()];
    perm[axis] = x.rank - 1;
    perm[x.rank - 1] = axis;
    return [tf.transpose(apply(tf.transpose(x, perm)), perm)];
  };
}

function gemm(ctx: OpContext): readonly T[] {
  const tf = ctx.tf;
  const alpha = ctx.float('alpha', 1);
  const beta = ctx.float('beta', 1);
  let y = tf.matMul(ctx.input(0), ctx.input(1), ctx.int('transA', 0) === 1, ctx.int('transB', 0) === 1);
  if (alpha !== 1) y = tf.mul(y, alpha);
  const c = ctx.optional(2);
  if (c) y = tf.add(y, beta === 1 ? c : tf.mul(c, beta));
  return [y];
}

/** numpy.matmul semantics, including 1-D operands and batch broadcasting. */
function matMul(ctx: OpContext): readonly T[] {
  const tf = ctx.tf;
  let a = ctx.input(0);
  let b = ctx.input(1);
  const aVec = a.rank === 1;
  const bVec = b.rank === 1;
  if (aVec) a = tf.reshape(a, [1, -1]);
  if (bVec) b = tf.reshape(b, [-1, 1]);
  let y = tf.matMul(a, b);
  if (aVec) y = tf.squeeze(y, [y.rank - 2]);
  if (bVec) y = tf.squeeze(y, [y.rank - 1]);
  return [y];
}

function cast(ctx: OpContext): readonly T[] {
  const to = ctx.int('to', OnnxType.FLOAT);
  const x = ctx.input(0);
  const dtype = to === OnnxType.FLOAT || to === OnnxType.DOUBLE || to === OnnxType.FLOAT16 ? 'float32' : to === OnnxType.BOOL ? 'bool' : 'int32';
  if (dtype === 'int32' && x.dtype === 'float32') return [ctx.tf.cast(ctx.tf.mul(ctx.tf.sign(x), ctx.tf.floor(ctx.tf.abs(x))), 'int32')];
  return [x.dtype === dtype ? x : ctx.tf.cast(x, dtype)];
}

function variadic(fn: (ctx: OpContext, a: T, b: T) => T): OpFn {
  return (ctx) => {
    let acc = ctx.input(0);
    for (let i = 1; i < ctx.inputCount; i++) if (ctx.has(i)) acc = fn(ctx, acc, ctx.input(i));
    return [acc];
  };
}

export const elementwiseOps: Record<string, OpFn> = {
  Add: binary((c, a, b) => c.tf.add(a, b)),
  Sub: binary((c, a, b) => c.tf.sub(a, b)),
  Mul: binary((c, a, b) => c.tf.mul(a, b)),
  Div: binary((c, a, b) => (a.dtype === 'int32' ? c.tf.floorDiv(a, b) : c.tf.div(a, b))),
  Pow: binary((c, a, b) => c.tf.pow(a, b.dtype === a.dtype ? b : c.tf.cast(b, a.dtype))),
  Sqrt: unary((c, x) => c.tf.sqrt(x)),
  Erf: unary((c, x) => c.tf.erf(x)),
  Neg: unary((c, x) => c.tf.neg(x)),
  Abs: unary((c, x) => c.tf.abs(x)),
  Exp: unary((c, x) => c.tf.exp(x)),
  Log: unary((c, x) => c.tf.log(x)),
  Reciprocal: unary((c, x) => c.tf.reciprocal(x)),
  Max: variadic((c, a, b) => c.tf.maximum(a, b)),
  Min: variadic((c, a, b) => c.tf.minimum(a, b)),
  Sum: variadic((c, a, b) => c.tf.add(a, b)),
  Gemm: gemm,
  MatMul: matMul,
  Relu: (ctx) => [ctx.guidedRelu ? guided(ctx)(ctx.input(0)) : ctx.tf.relu(ctx.input(0))],
  LeakyRelu: unary((c, x) => c.tf.leakyRelu(x, c.float('alpha', 0.01))),
  Sigmoid: unary((c, x) => c.tf.sigmoid(x)),
  Tanh: unary((c, x) => c.tf.tanh(x)),
  Gelu: unary(gelu),
  Softmax: softmaxLike(false),
  LogSoftmax: softmaxLike(true),
  Clip: unary(clip),
  Cast: cast,
  Equal: binary((c, a, b) => c.tf.equal(a, b)),
  Where: (ctx) => [ctx.tf.where(ctx.input(0), ctx.input(1), ctx.input(2))],
  Identity: (ctx) => [ctx.input(0)],
  Dropout: (ctx) => [ctx.input(0), ctx.tf.cast(ctx.tf.onesLike(ctx.input(0)), 'bool')],
};

type Guided = (x: T) => T;
const guidedCache = new WeakMap<object, Guided>();

/** ReLU whose backward pass lets only positive gradients through (Springenberg et al. 2015). */
function guided(ctx: OpContext): Guided {
  const tf = ctx.tf;
  let fn = guidedCache.get(tf);
  if (!fn) {
    fn = tf.customGrad((x, save) => {
      const input = x as T;
      (save as (tensors: T[]) => void)([input]);
      return {
        value: tf.relu(input),
        gradFunc: (dy, saved) => tf.mul(tf.relu(dy as T), tf.step(saved[0] as T)),
      };
    }) as Guided;
    guidedCache.set(tf, fn);
  }
  return fn;
}

/** Ops that act elementwise on their first input and may therefore run in any layout. */
export const LAYOUT_AGNOSTIC = new Set(['Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Gelu', 'Erf', 'Sqrt', 'Neg', 'Abs', 'Exp', 'Log', 'Reciprocal', 'Identity', 'Clip']);
