import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { GlassboxError, throwIfAborted } from '../errors.js';
import type { DenseHead } from './dense-head.js';
import { tensorFromProto, toNumber } from './onnx-grad/host-tensor.js';
import type { Tensor } from './tensor.js';
import { rowSize } from './tensor.js';

const { onnx } = onnxProto;
const SHAPE_ONLY = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Cast', 'Dropout']);

type Node = onnxProto.onnx.INodeProto;

/**
 * The final dense layer of an ONNX classifier as a DenseHead: from the graph output, back through
 * shape-only ops and a Softmax/Sigmoid, to a `Gemm` (alpha = beta = 1, transA = 0, any transB) or a
 * `MatMul` (+ `Add` of a bias) whose weights are initializers. The features are the dense layer's
 * input tensor, read by a second onnxruntime session that also outputs it.
 */
export async function onnxDenseHead(bytes: Uint8Array, options: { source?: string; inputName?: string; outputName?: string; batchSize?: number } = {}): Promise<DenseHead> {
  const source = options.source ?? 'ONNX model';
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph ?? {};
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const producers = new Map<string, Node>();
  for (const node of graph.node ?? []) for (const out of node.output ?? []) producers.set(out, node);
  const inputName = options.inputName ?? graph.input?.find((i) => !inits.has(i.name ?? ''))?.name ?? '';
  const outputName = options.outputName ?? graph.output?.[0]?.name ?? '';
  const fail = (why: string): never => {
    throw new GlassboxError('unsupported_model', `${source}: no dense last layer found (${why})`, { file: source, hint: 'Last-layer methods need a classifier whose logits come from a Gemm or MatMul(+Add) with constant weights.' });
  };
  let name = outputName;
  let activation: 'softmax' | 'sigmoid' | undefined;
  let node = producers.get(name);
  for (let hops = 0; node && hops < 32; hops++) {
    if (SHAPE_ONLY.has(node.opType ?? '')) name = node.input![0]!;
    else if (!activation && (node.opType === 'Softmax' || node.opType === 'Sigmoid')) {
      activation = node.opType === 'Softmax' ? 'softmax' : 'sigmoid';
      name = node.input![0]!;
    } else break;
    node = producers.get(name);
  }
  if (!node) return fail(`"${name}" is not computed by a node`);
  const float64 = (tensorName: string | undefined, what: string): Float64Array => {
    const proto = tensorName ? inits.get(tensorName) : undefined;
    if (!proto) return fail(`the ${what} "${tensorName ?? ''}" is not an initializer`);
    return Float64Array.from(tensorFromProto(proto).data);
  };
  let features: string;
  let weights: Float64Array;
  let dims: [number, number];
  let bias: Float64Array | undefined;
  const dimsOf = (tensorName: string): [number, number] => {
    const d = (inits.get(tensorName)?.dims ?? []).map((v) => toNumber(v));
    if (d.length !== 2) return fail(`the weight "${tensorName}" is not a matrix`);
    return [d[0]!, d[1]!];
  };
  if (node.opType === 'Gemm') {
    const attr = (key: string, fallback: number): number => {
      const a = node!.attribute?.find((x) => x.name === key);
      if (!a) return fallback;
      return a.type === onnx.AttributeProto.AttributeType.FLOAT ? (a.f ?? fallback) : toNumber(a.i);
    };
    if (attr('transA', 0) !== 0 || attr('alpha', 1) !== 1 || attr('beta', 1) !== 1) return fail('a Gemm with transA, alpha or beta other than 0, 1, 1');
    features = node.input![0]!;
    const raw = float64(node.input![1], 'weight');
    const [r, c] = dimsOf(node.input![1]!);
    if (attr('transB', 0) === 1) {
      weights = new Float64Array(r * c);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) weights[j * r + i] = raw[i * c + j]!;
      dims = [c, r];
    } else {
      weights = raw;
      dims = [r, c];
    }
    if (node.input![2]) bias = float64(node.input![2], 'bias');
  } else {
    let matmul = node;
    if (node.opType === 'Add') {
      const [a, b] = node.input ?? [];
      const fromA = producers.get(a ?? '');
      matmul = fromA?.opType === 'MatMul' ? fromA : producers.get(b ?? '') ?? node;
      bias = float64(matmul === fromA ? b : a, 'bias');
    }
    if (matmul.opType !== 'MatMul') return fail(`the logits come from ${node.opType ?? '?'}`);
    features = matmul.input![0]!;
    weights = float64(matmul.input![1], 'weight');
    dims = dimsOf(matmul.input![1]!);
  }
  const [d, k] = dims;
  if (bias && bias.length !== k) return fail(`the bias has ${bias.length} values for ${k} outputs`);
  const probeModel = onnx.ModelProto.create({ ...model, graph: { ...graph, output: [...(graph.output ?? []), { name: features, type: { tensorType: { elemType: 1 } } }] } });
  let session: Promise<ort.InferenceSession> | undefined;
  const batchSize = options.batchSize ?? 1024;
  return {
    inputs: d,
    outputs: k,
    weights,
    bias: bias ?? new Float64Array(k),
    activation: activation ?? (k === 1 ? 'sigmoid' : 'softmax'),
    description: `ONNX ${node.opType} "${node.name || features}" (${d} → ${k})`,
    featureName: features,
    async features(x: Tensor, opts: { signal?: AbortSignal } = {}) {
      session ??= ort.InferenceSession.create(onnx.ModelProto.encode(probeModel).finish());
      const s = await session;
      const n = x.shape[0]!;
      const size = rowSize(x.shape);
      const out = new Float32Array(n * d);
      for (let start = 0; start < n; start += batchSize) {
        throwIfAborted(opts.signal);
        const m = Math.min(n, start + batchSize) - start;
        const result = await s.run({ [inputName]: new ort.Tensor('float32', x.data.subarray(start * size, (start + m) * size), [m, ...x.shape.slice(1)]) }, [features]);
        const values = result[features]!.data as Float32Array;
        if (values.length !== m * d) fail(`"${features}" has ${values.length / m} values per row, not ${d}`);
        out.set(values, start * d);
      }
      return out;
    },
  };
}
