import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GlassboxError } from '../../errors.js';
import { buildGraph, values, type GraphSpec } from '../../../test/fixtures/onnx/build-graph.js';
import { certifyRobustness, inputBox } from './certify.js';
import { boundGraphFromOnnx } from './from-onnx.js';
import type { BoundMethod } from './propagate.js';

const METHODS: readonly BoundMethod[] = ['ibp', 'crown-ibp', 'crown'];
/** onnxruntime evaluates in float32; the bounds are float64 for the same weights. */
const FLOAT32_TOL = 1e-5;
const BATCH = 64;

/** Every supported op on the data path: Sub/Div by constants, Pad, Conv, BatchNorm, Relu, MaxPool, residual Add, AveragePool, Flatten, Gemm, MatMul + bias, Softmax head. */
function kitchenSink(batch: number): GraphSpec {
  return {
    opset: 13,
    inputs: { x: [batch, 1, 6, 6] },
    inits: {
      mean: { dims: [1], values: [0.25] },
      std: { dims: [1], values: [0.5] },
      pads: { dims: [8], values: [0, 0, 1, 1, 0, 0, 1, 1], type: 7 },
      w1: { dims: [3, 1, 3, 3], values: values(27, 1) },
      b1: { dims: [3], values: values(3, 2, -0.2, 0.2) },
      gamma: { dims: [3], values: [1.2, -0.7, 0.9] },
      beta: { dims: [3], values: [0.1, 0.2, -0.1] },
      mu: { dims: [3], values: [0.05, -0.1, 0.2] },
      var: { dims: [3], values: [0.8, 1.5, 0.6] },
      w2: { dims: [3, 3, 3, 3], values: values(81, 3, -0.5, 0.5) },
      w3: { dims: [5, 12], values: values(60, 4) },
      b3: { dims: [5], values: values(5, 5, -0.3, 0.3) },
      w4: { dims: [5, 3], values: values(15, 6) },
      b4: { dims: [3], values: [0.1, -0.2, 0.05] },
    },
    nodes: [
      { op: 'Sub', inputs: ['x', 'mean'], outputs: ['centred'] },
      { op: 'Div', inputs: ['centred', 'std'], outputs: ['scaled'] },
      { op: 'Pad', inputs: ['scaled', 'pads'], outputs: ['padded'] },
      { op: 'Conv', inputs: ['padded', 'w1', 'b1'], outputs: ['c1'], attrs: { kernel_shape: [3, 3] } },
      { op: 'BatchNormalization', inputs: ['c1', 'gamma', 'beta', 'mu', 'var'], outputs: ['bn'], attrs: { epsilon: { f: 1e-5 } } },
      { op: 'Relu', inputs: ['bn'], outputs: ['r1'] },
      { op: 'MaxPool', inputs: ['r1'], outputs: ['p1'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Conv', inputs: ['p1', 'w2'], outputs: ['c2'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Add', inputs: ['c2', 'p1'], outputs: ['res'] },
      { op: 'Relu', inputs: ['res'], outputs: ['r2'] },
      { op: 'AveragePool', inputs: ['r2'], outputs: ['p2'], attrs: { kernel_shape: [2, 2], strides: [1, 1] } },
      { op: 'Flatten', inputs: ['p2'], outputs: ['flat'] },
      { op: 'Gemm', inputs: ['flat', 'w3', 'b3'], outputs: ['h'], attrs: { transB: 1 } },
      { op: 'Relu', inputs: ['h'], outputs: ['r3'] },
      { op: 'MatMul', inputs: ['r3', 'w4'], outputs: ['mm'] },
      { op: 'Add', inputs: ['mm', 'b4'], outputs: ['logits'] },
      { op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: 1 } },
    ],
    outputs: ['probs', 'logits'],
  };
}

/** Logits from onnxruntime (float32) for rows of `points` (each of `size` values), BATCH rows per run. */
async function ortLogits(session: ort.InferenceSession, points: Float64Array, size: number, dims: number[]): Promise<Float32Array> {
  const rows = points.length / size;
  const out: number[] = [];
  for (let start = 0; start < rows; start += BATCH) {
    const chunk = new Float32Array(BATCH * size);
    chunk.set(Float32Array.from(points.subarray(start * size, Math.min(rows, start + BATCH) * size)));
    const result = await session.run({ x: new ort.Tensor('float32', chunk, [BATCH, ...dims]) });
    const logits = result.logits!.data as Float32Array;
    const width = logits.length / BATCH;
    out.push(...logits.subarray(0, Math.min(BATCH, rows - start) * width));
  }
  return Float32Array.from(out);
}

/** Seeded points of a box: uniform inside, and vertices (each coordinate at its lower or upper end). */
function boxPoints(lower: Float64Array, upper: Float64Array, count: number, seed: number): Float64Array {
  const u = values(count * lower.length * 2, seed, 0, 1);
  const out = new Float64Array(count * lower.length);
  for (let p = 0; p < count; p++) {
    const vertex = p % 2 === 1;
    for (let i = 0; i < lower.length; i++) {
      const t = u[p * lower.length + i]!;
      out[p * lower.length + i] = vertex ? (t < 0.5 ? lower[i]! : upper[i]!) : lower[i]! + t * (upper[i]! - lower[i]!);
    }
  }
  return out;
}

describe('certified bounds on a graph with every supported op', () => {
  const bytes = buildGraph(kitchenSink(BATCH));
  const graph = boundGraphFromOnnx(bytes, [1, 6, 6]);
  const rows = 3;
  const x = Float32Array.from(values(rows * 36, 11, 0, 1));
  const labels = [0, 1, 2];

  it('skips the Softmax head and says so', () => {
    expect(graph.skippedHead).toContain('Softmax');
    expect(graph.nodes.map((n) => n.rule?.op ?? 'input')).toEqual(['input', 'Sub', 'Div', 'Pad', 'Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Conv', 'Add', 'Relu', 'AveragePool', 'Flatten', 'Gemm', 'Relu', 'MatMul', 'Add']);
  });

  it('at ε = 0 every method gives lower = upper = the logits onnxruntime computes', async () => {
    const session = await ort.InferenceSession.create(bytes);
    const expected = await ortLogits(session, Float64Array.from(x), 36, [1, 6, 6]);
    for (const method of METHODS) {
      const r = await certifyRobustness(graph, { data: x, shape: [rows, 1, 6, 6] }, labels, { method, epsilon: 0 });
      for (let i = 0; i < expected.length; i++) {
        expect(r.lower[i]).toBeCloseTo(expected[i]!, 5);
        expect(r.upper[i]! - r.lower[i]!).toBeLessThan(1e-12);
      }
    }
  });

  it.each([0.03, 0.2])('at ε = %s, logits of random points and vertices of the box lie inside every method’s bounds', async (epsilon) => {
    const session = await ort.InferenceSession.create(bytes);
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * 36, (r + 1) * 36);
      const box = inputBox(row, epsilon, [0, 1]);
      const points = boxPoints(box.lower, box.upper, 128, 100 + r);
      const logits = await ortLogits(session, points, 36, [1, 6, 6]);
      for (const method of METHODS) {
        const b = await certifyRobustness(graph, { data: row, shape: [1, 1, 6, 6] }, [labels[r]!], { method, epsilon });
        for (let p = 0; p < 128; p++) {
          let margin = Infinity;
          for (let k = 0; k < 3; k++) {
            const v = logits[p * 3 + k]!;
            expect(v).toBeGreaterThanOrEqual(b.lower[k]! - FLOAT32_TOL);
            expect(v).toBeLessThanOrEqual(b.upper[k]! + FLOAT32_TOL);
            if (k !== labels[r]) margin = Math.min(margin, logits[p * 3 + labels[r]!]! - v);
          }
          expect(margin).toBeGreaterThanOrEqual(b.margin[0]! - FLOAT32_TOL);
        }
      }
    }
  });

  it('refuses a cancelled run and bad labels before work', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(certifyRobustness(graph, { data: x, shape: [rows, 1, 6, 6] }, labels, { method: 'crown', epsilon: 0.01, signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
    await expect(certifyRobustness(graph, { data: x, shape: [rows, 1, 6, 6] }, [0, 1, 7], { method: 'ibp', epsilon: 0.01 })).rejects.toMatchObject({ code: 'invalid_input', details: { row: 2 } });
    await expect(certifyRobustness(graph, { data: x, shape: [rows, 1, 6, 6] }, labels, { method: 'ibp', epsilon: -1 })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('strided, dilated, grouped convolution and overlapping padded max-pool', () => {
  const spec: GraphSpec = {
    opset: 13,
    inputs: { x: [BATCH, 2, 7, 8] },
    inits: {
      w: { dims: [4, 1, 3, 2], values: values(24, 41) },
      b: { dims: [4], values: values(4, 42, -0.2, 0.2) },
      w2: { dims: [3, 32], values: values(96, 43) },
    },
    nodes: [
      { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { kernel_shape: [3, 2], strides: [2, 1], dilations: [1, 2], pads: [1, 0, 0, 1], group: 2 } },
      { op: 'Relu', inputs: ['c'], outputs: ['r'] },
      { op: 'MaxPool', inputs: ['r'], outputs: ['p'], attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'w2'], outputs: ['logits'], attrs: { transB: 1 } },
    ],
    outputs: ['logits'],
  };
  const bytes = buildGraph(spec);
  const graph = boundGraphFromOnnx(bytes, [2, 7, 8]);
  const size = 2 * 7 * 8;
  const x = Float32Array.from(values(size, 44, 0, 1));

  it('matches onnxruntime at ε = 0 and contains every sampled logit at ε = 0.1', async () => {
    expect(graph.nodes.map((n) => n.shape.join('x'))).toEqual(['2x7x8', '4x3x7', '4x3x7', '4x2x4', '32x1x1', '3x1x1']);
    const session = await ort.InferenceSession.create(bytes);
    const exact = await ortLogits(session, Float64Array.from(x), size, [2, 7, 8]);
    const box = inputBox(x, 0.1, [0, 1]);
    const points = boxPoints(box.lower, box.upper, 128, 45);
    const logits = await ortLogits(session, points, size, [2, 7, 8]);
    for (const method of METHODS) {
      const at0 = await certifyRobustness(graph, { data: x, shape: [1, 2, 7, 8] }, [0], { method, epsilon: 0 });
      for (let k = 0; k < 3; k++) expect(at0.lower[k]).toBeCloseTo(exact[k]!, 5);
      const b = await certifyRobustness(graph, { data: x, shape: [1, 2, 7, 8] }, [0], { method, epsilon: 0.1 });
      for (let p = 0; p < 128; p++) {
        for (let k = 0; k < 3; k++) {
          expect(logits[p * 3 + k]).toBeGreaterThanOrEqual(b.lower[k]! - FLOAT32_TOL);
          expect(logits[p * 3 + k]).toBeLessThanOrEqual(b.upper[k]! + FLOAT32_TOL);
        }
      }
    }
  });
});

function denseNet(layers: { w: number[]; b: number[]; out: number }[], inputs: number, relu: boolean): Uint8Array {
  const inits: GraphSpec['inits'] = {};
  const nodes: GraphSpec['nodes'] = [];
  let prev = 'x';
  let width = inputs;
  layers.forEach((layer, i) => {
    inits[`w${i}`] = { dims: [layer.out, width], values: layer.w };
    inits[`b${i}`] = { dims: [layer.out], values: layer.b };
    const out = i === layers.length - 1 ? 'logits' : `h${i}`;
    nodes.push({ op: 'Gemm', inputs: [prev, `w${i}`, `b${i}`], outputs: [out], attrs: { transB: 1 } });
    prev = out;
    if (relu && i < layers.length - 1) {
      nodes.push({ op: 'Relu', inputs: [out], outputs: [`r${i}`] });
      prev = `r${i}`;
    }
    width = layer.out;
  });
  return buildGraph({ opset: 13, inputs: { x: [1, inputs] }, inits, nodes, outputs: ['logits'] });
}

describe('closed-form cases', () => {
  it('one linear layer: IBP is exact (attained at a vertex) and CROWN equals it', async () => {
    const w = values(12, 21);
    const b = [0.3, -0.1, 0.2];
    const graph = boundGraphFromOnnx(denseNet([{ w, b, out: 3 }], 4, false), [4]);
    const x = Float32Array.from([0.2, 0.5, 0.9, 0.4]);
    const eps = 0.15;
    const [ibp, crown] = await Promise.all(['ibp', 'crown'].map((method) => certifyRobustness(graph, { data: x, shape: [1, 4] }, [0], { method: method as BoundMethod, epsilon: eps })));
    for (let k = 0; k < 3; k++) {
      let lo = b[k]!;
      let hi = b[k]!;
      for (let d = 0; d < 4; d++) {
        const [l, u] = [Math.max(0, x[d]! - eps), Math.min(1, x[d]! + eps)];
        const wk = Math.fround(w[k * 4 + d]!);
        lo += Math.min(wk * l, wk * u);
        hi += Math.max(wk * l, wk * u);
      }
      expect(ibp!.lower[k]).toBeCloseTo(Math.fround(b[k]!) + lo - b[k]!, 12);
      expect(ibp!.upper[k]).toBeCloseTo(Math.fround(b[k]!) + hi - b[k]!, 12);
      expect(crown!.lower[k]).toBeCloseTo(ibp!.lower[k]!, 12);
      expect(crown!.upper[k]).toBeCloseTo(ibp!.upper[k]!, 12);
    }
  });

  it('two linear layers: CROWN gives the exact range of the product map, inside the IBP box', async () => {
    const w0 = values(12, 31);
    const w1 = values(6, 32);
    const graph = boundGraphFromOnnx(denseNet([{ w: w0, b: [0, 0, 0], out: 3 }, { w: w1, b: [0, 0], out: 2 }], 4, false), [4]);
    const x = Float32Array.from([0.5, 0.5, 0.5, 0.5]);
    const eps = 0.1;
    const ibp = await certifyRobustness(graph, { data: x, shape: [1, 4] }, [0], { method: 'ibp', epsilon: eps });
    const crown = await certifyRobustness(graph, { data: x, shape: [1, 4] }, [0], { method: 'crown', epsilon: eps });
    for (let k = 0; k < 2; k++) {
      let radius = 0;
      let centre = 0;
      for (let d = 0; d < 4; d++) {
        let m = 0;
        for (let j = 0; j < 3; j++) m += Math.fround(w1[k * 3 + j]!) * Math.fround(w0[j * 4 + d]!);
        radius += Math.abs(m) * eps;
        centre += m * 0.5;
      }
      expect(crown.lower[k]).toBeCloseTo(centre - radius, 12);
      expect(crown.upper[k]).toBeCloseTo(centre + radius, 12);
      expect(crown.lower[k]).toBeGreaterThanOrEqual(ibp.lower[k]! - 1e-12);
      expect(crown.upper[k]).toBeLessThanOrEqual(ibp.upper[k]! + 1e-12);
    }
    expect(ibp.upper[0]! - ibp.lower[0]!).toBeGreaterThan(crown.upper[0]! - crown.lower[0]! + 1e-6);
  });

  it.each([
    // x ∈ [−1, 2]: u > −l, lower line y ≥ x (−1 at x = −1); upper line 2(x + 1)/3 (2 at x = 2)
    [0.5, 1.5, { ibp: [0, 2], crown: [-1, 2] }],
    // x ∈ [−2, 1]: u < −l, lower line y ≥ 0; upper line (x + 2)/3 (1 at x = 1)
    [-0.5, 1.5, { ibp: [0, 1], crown: [0, 1] }],
    // stable: x ∈ [0.5, 1.5] is the identity
    [1, 0.5, { ibp: [0.5, 1.5], crown: [0.5, 1.5] }],
  ])('1-D ReLU around %s ± %s: IBP and CROWN (adaptive lower slope) give the closed-form bounds', async (centre, eps, expected) => {
    const graph = boundGraphFromOnnx(denseNet([{ w: [1], b: [0], out: 1 }, { w: [1], b: [0], out: 1 }], 1, true), [1]);
    for (const method of ['ibp', 'crown'] as const) {
      const r = await certifyRobustness(graph, { data: Float32Array.of(centre), shape: [1, 1] }, [0], { method, epsilon: eps, clip: null });
      expect([r.lower[0], r.upper[0]]).toEqual(expected[method].map((v) => expect.closeTo(v, 12)));
    }
  });
});

describe('refusals', () => {
  const spec = (op: string): Uint8Array =>
    buildGraph({
      opset: 13,
      inputs: { x: [1, 3] },
      inits: { w: { dims: [3, 2], values: values(6, 1) } },
      nodes: [
        { op, inputs: op === 'Mul' ? ['x', 'x'] : ['x'], outputs: ['h'] },
        { op: 'MatMul', inputs: ['h', 'w'], outputs: ['logits'] },
      ],
      outputs: ['logits'],
    });

  it.each(['Sigmoid', 'Tanh', 'Mul'])('a graph with %s on the path to the logits is refused by name', (op) => {
    let error: unknown;
    try {
      boundGraphFromOnnx(spec(op), [3]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GlassboxError);
    expect((error as GlassboxError).code).toBe('unsupported_model');
    expect((error as GlassboxError).message).toContain(`op ${op}`);
    expect((error as GlassboxError).details.node).toBe(`${op}_0`);
  });

  it('an op off the path to the logits does not matter', () => {
    const bytes = buildGraph({
      opset: 13,
      inputs: { x: [1, 3] },
      inits: { w: { dims: [3, 2], values: values(6, 1) } },
      nodes: [
        { op: 'Sigmoid', inputs: ['x'], outputs: ['side'] },
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['logits'] },
      ],
      outputs: ['logits', 'side'],
    });
    expect(boundGraphFromOnnx(bytes, [3]).nodes).toHaveLength(2);
  });
});
