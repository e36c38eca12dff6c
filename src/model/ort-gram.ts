import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { onnxSessionOptions } from './onnx.js';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;

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
function gramGraph(): Uint8Array {
  const matrix = (name: string, columns: string): onnxProto.onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'n' }, { dimParam: columns }] } } } });
  const scalar = (name: string): onnxProto.onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [] } } } });
  const ints = (name: string, values: number[]): onnxProto.onnx.IAttributeProto => ({ name, type: A.INTS, ints: values });
  const int = (name: string, value: number): onnxProto.onnx.IAttributeProto => ({ name, type: A.INT, i: value });
  const node = (opType: string, input: string[], output: string[], attribute: onnxProto.onnx.IAttributeProto[] = []): onnxProto.onnx.INodeProto => ({ opType, input, output, attribute, name: output[0] });
  const graph: onnxProto.onnx.IGraphProto = {
    name: 'centered_gram_norms',
    input: [matrix('X', 'dx'), matrix('Y', 'dy')],
    output: [scalar('xy'), scalar('xx'), scalar('yy')],
    node: [
      node('ReduceMean', ['X'], ['mx'], [ints('axes', [0]), int('keepdims', 1)]),
      node('Sub', ['X', 'mx'], ['Xc']),
      node('ReduceMean', ['Y'], ['my'], [ints('axes', [0]), int('keepdims', 1)]),
      node('Sub', ['Y', 'my'], ['Yc']),
      node('Gemm', ['Yc', 'Xc'], ['YX'], [int('transA', 1)]),
      node('Gemm', ['Xc', 'Xc'], ['XX'], [int('transA', 1)]),
      node('Gemm', ['Yc', 'Yc'], ['YY'], [int('transA', 1)]),
      node('ReduceSumSquare', ['YX'], ['xy'], [int('keepdims', 0)]),
      node('ReduceSumSquare', ['XX'], ['xx'], [int('keepdims', 0)]),
      node('ReduceSumSquare', ['YY'], ['yy'], [int('keepdims', 0)]),
    ],
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph, producerName: 'glassbox' })).finish();
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
