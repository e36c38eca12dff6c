import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeOnnx } from '../../src/model/onnx-grad/graph-ir.js';
import { OnnxInterpreter } from '../../src/model/onnx-grad/interpreter.js';
import { initTf } from '../../src/model/tfjs/backend.js';
import { BOOL, buildGraph, INT64, values, type GraphSpec, type NodeSpec } from '../fixtures/onnx/build-graph.js';

type Tf = Awaited<ReturnType<typeof initTf>>;

interface OpCase {
  readonly name: string;
  readonly spec: GraphSpec;
  /** Input value range (default [-1, 1)). */
  readonly range?: [number, number];
  /** Check the gradient of the first output w.r.t. the first input against central differences. */
  readonly grad?: boolean;
}

const i64 = (dims: number[], v: number[]) => ({ dims, values: v, type: INT64 });
const f32 = (dims: number[], seed: number, lo = -1, hi = 1) => ({ dims, values: values(dims.reduce((a, b) => a * b, 1), seed, lo, hi) });

function single(name: string, opset: number, inputs: Record<string, number[]>, node: Omit<NodeSpec, 'outputs'>, extra: Partial<OpCase> & { inits?: GraphSpec['inits'] } = {}): OpCase {
  const { inits, ...rest } = extra;
  return { name, grad: true, ...rest, spec: { opset, inputs, ...(inits ? { inits } : {}), nodes: [{ ...node, outputs: ['y'] }], outputs: ['y'] } };
}

const X = { x: [2, 3, 4, 5] };
const cases: OpCase[] = [
  single('Gemm transA transB alpha beta', 13, { x: [4, 3] }, { op: 'Gemm', inputs: ['x', 'w', 'b'], attrs: { transA: 1, transB: 1, alpha: { f: 0.5 }, beta: { f: 2 } } }, { inits: { w: f32([5, 4], 2), b: f32([5], 3) } }),
  single('MatMul batched 3-D × 2-D', 13, { x: [2, 3, 4] }, { op: 'MatMul', inputs: ['x', 'w'] }, { inits: { w: f32([4, 5], 4) } }),
  single('MatMul 1-D × 2-D', 13, { x: [4] }, { op: 'MatMul', inputs: ['x', 'w'] }, { inits: { w: f32([4, 3], 5) } }),
  single('Add broadcast', 13, X, { op: 'Add', inputs: ['x', 'c'] }, { inits: { c: f32([4, 1], 6) } }),
  single('Sub', 13, X, { op: 'Sub', inputs: ['c', 'x'] }, { inits: { c: f32([5], 7) } }),
  single('Mul', 13, X, { op: 'Mul', inputs: ['x', 'x'] }),
  single('Div', 13, X, { op: 'Div', inputs: ['x', 'c'] }, { inits: { c: f32([5], 8, 0.5, 2) } }),
  single('Pow square', 13, X, { op: 'Pow', inputs: ['x', 'e'] }, { inits: { e: { dims: [], values: [2] } } }),
  single('Pow fractional', 13, X, { op: 'Pow', inputs: ['x', 'e'] }, { inits: { e: { dims: [], values: [1.5] } }, range: [0.2, 2] }),
  single('Sqrt', 13, X, { op: 'Sqrt', inputs: ['x'] }, { range: [0.1, 2] }),
  single('Erf', 13, X, { op: 'Erf', inputs: ['x'] }),
  single('Conv groups=2 stride 2 pads dilation', 13, { x: [2, 4, 9, 9] }, { op: 'Conv', inputs: ['x', 'w', 'b'], attrs: { group: 2, strides: [2, 2], pads: [1, 0, 2, 1], dilations: [1, 2], kernel_shape: [3, 3] } }, { inits: { w: f32([6, 2, 3, 3], 9), b: f32([6], 10) } }),
  single('Conv stride 1 same (fast gradient path)', 13, { x: [2, 3, 7, 6] }, { op: 'Conv', inputs: ['x', 'w'], attrs: { pads: [1, 2, 1, 0] } }, { inits: { w: f32([4, 3, 3, 3], 11) } }),
  single('Conv auto_pad SAME_UPPER', 13, { x: [1, 2, 7, 7] }, { op: 'Conv', inputs: ['x', 'w'], attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] } }, { inits: { w: f32([3, 2, 3, 3], 12) } }),
  single('Conv 1-D', 13, { x: [2, 3, 10] }, { op: 'Conv', inputs: ['x', 'w', 'b'], attrs: { pads: [1, 1] } }, { inits: { w: f32([4, 3, 3], 13), b: f32([4], 14) } }),
  single('ConvTranspose stride 2 pads output_padding', 13, { x: [2, 3, 4, 4] }, { op: 'ConvTranspose', inputs: ['x', 'w', 'b'], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] } }, { inits: { w: f32([3, 2, 3, 3], 15), b: f32([2], 16) } }),
  single('MaxPool 3×3 stride 1 pads', 13, X, { op: 'MaxPool', inputs: ['x'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } }),
  single('MaxPool ceil_mode', 13, { x: [1, 2, 7, 7] }, { op: 'MaxPool', inputs: ['x'], attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 } }),
  single('AveragePool exclude pad', 13, X, { op: 'AveragePool', inputs: ['x'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } }),
  single('AveragePool include pad', 13, X, { op: 'AveragePool', inputs: ['x'], attrs: { kernel_shape: [2, 3], pads: [1, 1, 0, 1], count_include_pad: 1 } }),
  single('GlobalAveragePool', 13, X, { op: 'GlobalAveragePool', inputs: ['x'] }),
  single('Relu', 13, X, { op: 'Relu', inputs: ['x'] }),
  single('LeakyRelu', 13, X, { op: 'LeakyRelu', inputs: ['x'], attrs: { alpha: { f: 0.2 } } }),
  single('Sigmoid', 13, X, { op: 'Sigmoid', inputs: ['x'] }),
  single('Tanh', 13, X, { op: 'Tanh', inputs: ['x'] }),
  single('Gelu (opset 20)', 20, X, { op: 'Gelu', inputs: ['x'] }),
  single('Gelu tanh (opset 20)', 20, X, { op: 'Gelu', inputs: ['x'], attrs: { approximate: 'tanh' } }),
  single('Softmax axis 1 (opset 13)', 13, X, { op: 'Softmax', inputs: ['x'], attrs: { axis: 1 } }),
  single('Softmax coerced 2-D (opset 11)', 11, X, { op: 'Softmax', inputs: ['x'], attrs: { axis: 2 } }),
  single('LogSoftmax', 13, X, { op: 'LogSoftmax', inputs: ['x'] }),
  single('BatchNormalization', 13, X, { op: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], attrs: { epsilon: { f: 1e-3 } } }, { inits: { s: f32([3], 17), b: f32([3], 18), m: f32([3], 19), v: f32([3], 20, 0.5, 2) } }),
  single('LayerNormalization (opset 17)', 17, X, { op: 'LayerNormalization', inputs: ['x', 's', 'b'], attrs: { axis: -2 } }, { inits: { s: f32([4, 5], 21), b: f32([4, 5], 22) } }),
  single('Dropout (inference)', 13, X, { op: 'Dropout', inputs: ['x'] }),
  single('Clip (inputs)', 13, X, { op: 'Clip', inputs: ['x', 'lo', 'hi'] }, { inits: { lo: { dims: [], values: [-0.3] }, hi: { dims: [], values: [0.4] } } }),
  single('Clip (attributes, opset 6 style at 11 → inputs)', 11, X, { op: 'Clip', inputs: ['x', '', 'hi'] }, { inits: { hi: { dims: [], values: [0.2] } } }),
  single('Flatten axis 2', 13, X, { op: 'Flatten', inputs: ['x'], attrs: { axis: 2 } }),
  single('Reshape 0 and -1', 13, X, { op: 'Reshape', inputs: ['x', 's'] }, { inits: { s: i64([3], [0, -1, 5]) } }),
  single('Transpose', 13, X, { op: 'Transpose', inputs: ['x'], attrs: { perm: [0, 2, 3, 1] } }),
  single('Concat', 13, X, { op: 'Concat', inputs: ['x', 'c', 'x'], attrs: { axis: 1 } }, { inits: { c: f32([2, 1, 4, 5], 23) } }),
  single('Slice steps and negatives', 13, X, { op: 'Slice', inputs: ['x', 'st', 'en', 'ax', 'sp'] }, { inits: { st: i64([3], [-1, 0, 1]), en: i64([3], [-1000, 9999, 5]), ax: i64([3], [2, 3, 1]), sp: i64([3], [-1, 2, 1]) } }),
  single('Gather axis 1 negative indices', 13, X, { op: 'Gather', inputs: ['x', 'i'], attrs: { axis: 2 } }, { inits: { i: i64([2, 2], [0, -1, 2, 2]) } }),
  single('Gather scalar index', 13, X, { op: 'Gather', inputs: ['x', 'i'], attrs: { axis: 1 } }, { inits: { i: i64([], [1]) } }),
  single('Unsqueeze (opset 13 input)', 13, { x: [3, 4] }, { op: 'Unsqueeze', inputs: ['x', 'a'] }, { inits: { a: i64([2], [0, -1]) } }),
  single('Unsqueeze (opset 11 attribute)', 11, { x: [3, 4] }, { op: 'Unsqueeze', inputs: ['x'], attrs: { axes: [1] } }),
  single('Squeeze', 13, { x: [3, 1, 4, 1] }, { op: 'Squeeze', inputs: ['x', 'a'] }, { inits: { a: i64([1], [3]) } }),
  single('Pad constant', 13, X, { op: 'Pad', inputs: ['x', 'p', 'v'] }, { inits: { p: i64([8], [0, 0, 1, 2, 0, 1, 2, 0]), v: { dims: [], values: [0.5] } } }),
  single('Pad reflect', 13, X, { op: 'Pad', inputs: ['x', 'p'], attrs: { mode: 'reflect' } }, { inits: { p: i64([8], [0, 0, 2, 1, 0, 0, 1, 3]) } }),
  single('Pad edge', 13, X, { op: 'Pad', inputs: ['x', 'p'], attrs: { mode: 'edge' } }, { inits: { p: i64([8], [0, 1, 2, 1, 0, 0, 1, 3]) } }),
  single('Resize linear half_pixel ×2', 13, X, { op: 'Resize', inputs: ['x', '', 's'], attrs: { mode: 'linear' } }, { inits: { s: { dims: [4], values: [1, 1, 2, 2] } } }),
  single('Resize linear align_corners sizes', 13, X, { op: 'Resize', inputs: ['x', '', '', 'z'], attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' } }, { inits: { z: i64([4], [2, 3, 7, 9]) } }),
  single('Resize nearest asymmetric floor', 13, X, { op: 'Resize', inputs: ['x', '', 's'], attrs: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' } }, { inits: { s: { dims: [4], values: [1, 1, 2, 3] } } }),
  single('Expand', 13, { x: [3, 1] }, { op: 'Expand', inputs: ['x', 's'] }, { inits: { s: i64([3], [2, 1, 4]) } }),
  single('Identity', 13, X, { op: 'Identity', inputs: ['x'] }),
  single('ReduceMean (axes attribute)', 13, X, { op: 'ReduceMean', inputs: ['x'], attrs: { axes: [1, 3] } }),
  single('ReduceSum (axes input at 13)', 13, X, { op: 'ReduceSum', inputs: ['x', 'a'], attrs: { keepdims: 0 } }, { inits: { a: i64([1], [-1]) } }),
  single('ReduceMax keepdims 0', 13, X, { op: 'ReduceMax', inputs: ['x'], attrs: { axes: [2], keepdims: 0 } }),
  {
    name: 'Shape → Gather → Unsqueeze → Concat → Reshape (dynamic flatten)',
    grad: true,
    spec: {
      opset: 13,
      inputs: X,
      inits: { zero: i64([], [0]), axes: i64([1], [0]), minus1: i64([1], [-1]) },
      nodes: [
        { op: 'Shape', inputs: ['x'], outputs: ['shape'] },
        { op: 'Gather', inputs: ['shape', 'zero'], outputs: ['n'], attrs: { axis: 0 } },
        { op: 'Unsqueeze', inputs: ['n', 'axes'], outputs: ['n1'] },
        { op: 'Concat', inputs: ['n1', 'minus1'], outputs: ['target'], attrs: { axis: 0 } },
        { op: 'Reshape', inputs: ['x', 'target'], outputs: ['y'] },
      ],
      outputs: ['y', 'shape'],
      outputTypes: { shape: INT64 },
    },
  },
  {
    name: 'Constant, ConstantOfShape, Range, Cast, Equal, Where',
    grad: true,
    spec: {
      opset: 13,
      inputs: { x: [2, 5] },
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['five'], attrs: { value: { tensor: i64([], [5]) } } },
        { op: 'Constant', inputs: [], outputs: ['zero'], attrs: { value: { tensor: i64([], [0]) } } },
        { op: 'Constant', inputs: [], outputs: ['one'], attrs: { value: { tensor: i64([], [1]) } } },
        { op: 'Constant', inputs: [], outputs: ['two'], attrs: { value: { tensor: i64([], [2]) } } },
        { op: 'Range', inputs: ['zero', 'five', 'one'], outputs: ['r'] },
        { op: 'Cast', inputs: ['r'], outputs: ['rf'], attrs: { to: 1 } },
        { op: 'Constant', inputs: [], outputs: ['shp'], attrs: { value: { tensor: i64([1], [5]) } } },
        { op: 'ConstantOfShape', inputs: ['shp'], outputs: ['twos'], attrs: { value: { tensor: { dims: [1], values: [2], type: 1 } } } },
        { op: 'Cast', inputs: ['twos'], outputs: ['twos_i'], attrs: { to: INT64 } },
        { op: 'Equal', inputs: ['r', 'twos_i'], outputs: ['mask'] },
        { op: 'Mul', inputs: ['x', 'rf'], outputs: ['xr'] },
        { op: 'Where', inputs: ['mask', 'x', 'xr'], outputs: ['y'] },
        { op: 'Cast', inputs: ['mask'], outputs: ['maskf'], attrs: { to: 1 } },
        { op: 'Cast', inputs: ['two'], outputs: ['twof'], attrs: { to: 1 } },
      ],
      outputs: ['y', 'maskf', 'twof'],
    },
  },
];

void BOOL;

function inputsFor(c: OpCase): Record<string, Float32Array> {
  const [lo, hi] = c.range ?? [-1, 1];
  return Object.fromEntries(Object.entries(c.spec.inputs).map(([name, dims], k) => [name, Float32Array.from(values(dims.reduce((a, b) => a * b, 1), 100 + k, lo, hi))]));
}

describe('ONNX interpreter: forward parity with onnxruntime and gradients vs central differences, per op', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await initTf((process.env.GLASSBOX_TF_BACKEND as 'cpu' | undefined) ?? 'wasm');
  });

  for (const c of cases) {
    it(c.name, async () => {
      const bytes = buildGraph(c.spec);
      const feeds = inputsFor(c);
      const session = await ort.InferenceSession.create(bytes);
      const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([n, d]) => [n, new ort.Tensor('float32', d, c.spec.inputs[n]!)]));
      const expected = await session.run(ortFeeds);
      const interp = new OnnxInterpreter(tf, decodeOnnx(bytes));
      const ours = tf.tidy(() => {
        const run = interp.run(Object.fromEntries(Object.entries(feeds).map(([n, d]) => [n, tf.tensor(d, c.spec.inputs[n]!)])), { outputs: c.spec.outputs });
        return c.spec.outputs.map((o) => run.get(o)!);
      });
      c.spec.outputs.forEach((name, k) => {
        const ref = expected[name]!;
        const got = ours[k]!;
        expect(got.shape).toEqual(ref.dims.map(Number));
        const refData = Array.from(ref.data as ArrayLike<number | bigint>, Number);
        const gotData = Array.from(got.dataSync(), Number);
        const err = refData.reduce((m, v, i) => Math.max(m, Math.abs(v - gotData[i]!) / Math.max(1, Math.abs(v))), 0);
        expect(err).toBeLessThan(1e-5);
      });
      ours.forEach((t) => t.dispose());
      if (c.grad) checkGradient(tf, interp, c, feeds);
      interp.dispose();
      await session.release();
    });
  }
});

/** Gradient of Σ R ⊙ y w.r.t. the first input, against float32 central differences (ε = 1e-2) at 12 coordinates. */
function checkGradient(tf: Tf, interp: OnnxInterpreter, c: OpCase, feeds: Record<string, Float32Array>): void {
  const [inputName, dims] = Object.entries(c.spec.inputs)[0]!;
  const outName = c.spec.outputs[0]!;
  const base = feeds[inputName]!;
  const objective = (x: Tf['Tensor']['prototype']): Tf['Tensor']['prototype'] => {
    const y = interp.run({ [inputName]: x }, { outputs: [outName] }).get(outName)!;
    const r = tf.tensor(values(y.size, 999, -1, 1), y.shape);
    return tf.sum(tf.mul(y, r));
  };
  const analytic = tf.tidy(() => tf.grad(objective)(tf.tensor(base, dims))).dataSync();
  const evalAt = (v: Float32Array): number => tf.tidy(() => objective(tf.tensor(v, dims)).dataSync()[0]!);
  const eps = 1e-2;
  let scale = 1;
  for (const g of analytic) scale = Math.max(scale, Math.abs(g));
  const picks = values(12, 7, 0, base.length).map(Math.floor);
  for (const i of picks) {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i]! += eps;
    minus[i]! -= eps;
    const numeric = (evalAt(plus) - evalAt(minus)) / (2 * eps);
    expect(Math.abs(numeric - analytic[i]!), `${c.name}: d/dx[${i}] analytic ${analytic[i]} vs numeric ${numeric}`).toBeLessThan(2e-2 * scale);
  }
}
