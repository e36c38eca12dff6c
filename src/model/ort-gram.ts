import * as ort from 'onnxruntime-node';
import { encodeSmallGraph } from './onnx-small-graph.js';
import { onnxSessionOptions } from './onnx-session-options.js';

/** The three squared Frobenius norms linear CKA needs, of the column-centred n × dx and n × dy matrices. */
export interface CenteredGramNorms {
  /** ‖Ycᵀ Xc‖²_F */
  readonly xy: number;
  /** ‖Xcᵀ Xc‖²_F */
  readonly xx: number;
  /** ‖Ycᵀ Yc‖²_F */
  readonly yy: number;
}

let session: Promise<ort.InferenceSession> | undefined;

/**
 * One graph: centre each column (subtract ReduceMean over rows), form the three Gram products with Gemm
 * (transA) and reduce each to its squared Frobenius norm. The products run in onnxruntime's MLAS sgemm on
 * its thread pool, in float32, so large activation matrices never pass through a JS loop.
 */
export function gramGraph(): Uint8Array {
  return encodeSmallGraph({
    name: 'centered_gram_norms',
    opset: 13,
    inputs: [{ name: 'X', shape: ['n', 'dx'] }, { name: 'Y', shape: ['n', 'dy'] }],
    outputs: ['xy', 'xx', 'yy'].map((name) => ({ name, shape: [] })),
    nodes: [
      { opType: 'ReduceMean', inputs: ['X'], outputs: ['mx'], ints: { axes: [0], keepdims: 1 } },
      { opType: 'Sub', inputs: ['X', 'mx'], outputs: ['Xc'] },
      { opType: 'ReduceMean', inputs: ['Y'], outputs: ['my'], ints: { axes: [0], keepdims: 1 } },
      { opType: 'Sub', inputs: ['Y', 'my'], outputs: ['Yc'] },
      { opType: 'Gemm', inputs: ['Yc', 'Xc'], outputs: ['YX'], ints: { transA: 1 } },
      { opType: 'Gemm', inputs: ['Xc', 'Xc'], outputs: ['XX'], ints: { transA: 1 } },
      { opType: 'Gemm', inputs: ['Yc', 'Yc'], outputs: ['YY'], ints: { transA: 1 } },
      { opType: 'ReduceSumSquare', inputs: ['YX'], outputs: ['xy'], ints: { keepdims: 0 } },
      { opType: 'ReduceSumSquare', inputs: ['XX'], outputs: ['xx'], ints: { keepdims: 0 } },
      { opType: 'ReduceSumSquare', inputs: ['YY'], outputs: ['yy'], ints: { keepdims: 0 } },
    ],
  });
}

/**
 * ‖YcᵀXc‖², ‖XcᵀXc‖², ‖YcᵀYc‖² of two row-aligned float32 matrices (n × dx, n × dy, row-major),
 * computed by onnxruntime (see gramGraph). The session is built once per process.
 */
export async function centeredGramNorms(x: Float32Array, dx: number, y: Float32Array, dy: number): Promise<CenteredGramNorms> {
  const n = x.length / dx;
  session ??= ort.InferenceSession.create(gramGraph(), onnxSessionOptions());
  const result = await (await session).run({ X: new ort.Tensor('float32', x, [n, dx]), Y: new ort.Tensor('float32', y, [n, dy]) });
  return { xy: Number(result.xy!.data[0]), xx: Number(result.xx!.data[0]), yy: Number(result.yy!.data[0]) };
}
