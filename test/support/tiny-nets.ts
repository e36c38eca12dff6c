import onnxProto from 'onnx-proto';
import { Rng } from '../../src/rng.js';
import type { SmallCnnWeights } from '../../src/model/onnx-grad/small-cnn.js';

const { onnx } = onnxProto;

/**
 * Tiny networks for gradient tests: an ONNX graph plus an independent float64 forward pass of the same
 * weights, so loss gradients can be checked against float64 central differences.
 */

export interface MlpWeights {
  readonly inputs: number;
  readonly hidden: number;
  readonly outputs: number;
  /** [inputs, hidden], [hidden], [hidden, outputs], [outputs] (Gemm without transB; a tfjs Dense kernel). */
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
}

export type MlpHead = 'none' | 'softmax' | 'sigmoid';

export function randomValues(rng: Rng, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rng.next() * 2 - 1) * scale;
  return out;
}

export function randomMlp(seed: number, inputs: number, hidden: number, outputs: number): MlpWeights {
  const rng = new Rng(seed);
  return { inputs, hidden, outputs, w1: randomValues(rng, inputs * hidden, 1), b1: randomValues(rng, hidden, 0.5), w2: randomValues(rng, hidden * outputs, 1), b2: randomValues(rng, outputs, 0.5) };
}

function init(name: string, dims: number[], data: Float32Array): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: 1, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

/** Gemm → Relu → Gemm [→ Softmax | Sigmoid] as ONNX (opset 13, dynamic batch). */
export function mlpOnnx(w: MlpWeights, head: MlpHead): Uint8Array {
  const last = head === 'none' ? 'logits' : 'z';
  const nodes: onnxProto.onnx.INodeProto[] = [
    { opType: 'Gemm', name: 'fc1', input: ['input', 'w1', 'b1'], output: ['h'] },
    { opType: 'Relu', name: 'relu', input: ['h'], output: ['r'] },
    { opType: 'Gemm', name: 'fc2', input: ['r', 'w2', 'b2'], output: [last] },
  ];
  if (head === 'softmax') nodes.push({ opType: 'Softmax', name: 'softmax', input: ['z'], output: ['probabilities'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] });
  if (head === 'sigmoid') nodes.push({ opType: 'Sigmoid', name: 'sigmoid', input: ['z'], output: ['probabilities'] });
  const outName = head === 'none' ? 'logits' : 'probabilities';
  const graph: onnxProto.onnx.IGraphProto = {
    name: 'mlp',
    input: [{ name: 'input', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: w.inputs }] } } } }],
    output: [{ name: outName, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: w.outputs }] } } } }],
    initializer: [init('w1', [w.inputs, w.hidden], w.w1), init('b1', [w.hidden], w.b1), init('w2', [w.hidden, w.outputs], w.w2), init('b2', [w.outputs], w.b2)],
    node: nodes,
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], graph, producerName: 'test' })).finish();
}

/** The MLP's pre-activation outputs in float64 for one row. */
export function mlpLogits64(w: MlpWeights, x: ArrayLike<number>): Float64Array {
  const h = new Float64Array(w.hidden);
  for (let j = 0; j < w.hidden; j++) {
    let s = w.b1[j]!;
    for (let i = 0; i < w.inputs; i++) s += x[i]! * w.w1[i * w.hidden + j]!;
    h[j] = Math.max(0, s);
  }
  const z = new Float64Array(w.outputs);
  for (let k = 0; k < w.outputs; k++) {
    let s = w.b2[k]!;
    for (let j = 0; j < w.hidden; j++) s += h[j]! * w.w2[j * w.outputs + k]!;
    z[k] = s;
  }
  return z;
}

/** smallCnnOnnx's logits in float64 for one [C, H, W] image. */
export function smallCnnLogits64(w: SmallCnnWeights, x: ArrayLike<number>): Float64Array {
  const { channels: C, height: H, width: W, filters: F } = w;
  const conv = new Float64Array(F * H * W);
  for (let f = 0; f < F; f++) {
    for (let y = 0; y < H; y++) {
      for (let xx = 0; xx < W; xx++) {
        let s = w.convB[f]!;
        for (let c = 0; c < C; c++) {
          for (let dy = 0; dy < 3; dy++) {
            for (let dx = 0; dx < 3; dx++) {
              const yy = y + dy - 1;
              const xi = xx + dx - 1;
              if (yy < 0 || yy >= H || xi < 0 || xi >= W) continue;
              s += x[(c * H + yy) * W + xi]! * w.convW[((f * C + c) * 3 + dy) * 3 + dx]!;
            }
          }
        }
        conv[(f * H + y) * W + xx] = Math.max(0, s);
      }
    }
  }
  const h2 = Math.floor(H / 2);
  const w2 = Math.floor(W / 2);
  const flat = new Float64Array(F * h2 * w2);
  for (let f = 0; f < F; f++) {
    for (let y = 0; y < h2; y++) {
      for (let xx = 0; xx < w2; xx++) {
        let m = -Infinity;
        for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) m = Math.max(m, conv[(f * H + 2 * y + dy) * W + 2 * xx + dx]!);
        flat[(f * h2 + y) * w2 + xx] = m;
      }
    }
  }
  const z = new Float64Array(w.classes);
  for (let k = 0; k < w.classes; k++) {
    let s = w.denseB[k]!;
    for (let i = 0; i < flat.length; i++) s += flat[i]! * w.denseW[i * w.classes + k]!;
    z[k] = s;
  }
  return z;
}

export function randomSmallCnn(seed: number, channels: number, height: number, width: number, filters: number, classes: number): SmallCnnWeights {
  const rng = new Rng(seed);
  const flat = filters * Math.floor(height / 2) * Math.floor(width / 2);
  return { channels, height, width, filters, classes, convW: randomValues(rng, filters * channels * 9, 0.6), convB: randomValues(rng, filters, 0.2), denseW: randomValues(rng, flat * classes, 0.6), denseB: randomValues(rng, classes, 0.2) };
}

/** −log softmax(z)_y in float64; a single logit z is read as [0, z] (binary sigmoid). */
export function crossEntropy64(z: Float64Array, y: number): number {
  const logits = z.length === 1 ? [0, z[0]!] : Array.from(z);
  const max = Math.max(...logits);
  const lse = max + Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0));
  return lse - logits[y]!;
}

/** Central differences of f at x (float64), step h per coordinate. */
export function centralDifferences(f: (x: Float64Array) => number, x: ArrayLike<number>, h: number): Float64Array {
  const point = Float64Array.from(x);
  const g = new Float64Array(point.length);
  for (let i = 0; i < point.length; i++) {
    const v = point[i]!;
    point[i] = v + h;
    const up = f(point);
    point[i] = v - h;
    const down = f(point);
    point[i] = v;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}
