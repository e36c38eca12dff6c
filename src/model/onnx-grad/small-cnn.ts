import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;

/** Weights of a Conv(3×3, same) → Relu → MaxPool(2) → Flatten → Gemm network, in ONNX layouts. */
export interface SmallCnnWeights {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly filters: number;
  readonly classes: number;
  /** [filters, channels, 3, 3] */
  readonly convW: Float32Array;
  readonly convB: Float32Array;
  /** [filters·(H/2)·(W/2), classes], rows in C,H,W flatten order. */
  readonly denseW: Float32Array;
  readonly denseB: Float32Array;
}

function init(name: string, dims: number[], data: Float32Array): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType: 1, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

/**
 * Serialises a small CNN as an ONNX ModelProto (opset 13, dynamic batch) so that a network trained with
 * tfjs (the data-randomisation sanity check) runs through the same interpreter as the user's model,
 * with guided backprop and named layers ('conv' is the convolution's output).
 */
export function smallCnnOnnx(w: SmallCnnWeights): Uint8Array {
  const flat = w.filters * Math.floor(w.height / 2) * Math.floor(w.width / 2);
  const graph: onnxProto.onnx.IGraphProto = {
    name: 'small_cnn',
    input: [{ name: 'input', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: w.channels }, { dimValue: w.height }, { dimValue: w.width }] } } } }],
    output: [{ name: 'logits', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: w.classes }] } } } }],
    initializer: [init('conv.weight', [w.filters, w.channels, 3, 3], w.convW), init('conv.bias', [w.filters], w.convB), init('fc.weight', [flat, w.classes], w.denseW), init('fc.bias', [w.classes], w.denseB)],
    node: [
      { opType: 'Conv', name: 'conv', input: ['input', 'conv.weight', 'conv.bias'], output: ['conv'], attribute: [{ name: 'pads', type: A.INTS, ints: [1, 1, 1, 1] }, { name: 'kernel_shape', type: A.INTS, ints: [3, 3] }] },
      { opType: 'Relu', name: 'relu', input: ['conv'], output: ['relu'] },
      { opType: 'MaxPool', name: 'pool', input: ['relu'], output: ['pool'], attribute: [{ name: 'kernel_shape', type: A.INTS, ints: [2, 2] }, { name: 'strides', type: A.INTS, ints: [2, 2] }] },
      { opType: 'Flatten', name: 'flatten', input: ['pool'], output: ['flat'] },
      { opType: 'Gemm', name: 'fc', input: ['flat', 'fc.weight', 'fc.bias'], output: ['logits'] },
    ],
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], graph, producerName: 'glassbox' })).finish();
}
