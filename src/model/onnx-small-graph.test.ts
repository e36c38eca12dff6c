import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { encodeSmallGraph, type SmallGraph } from './onnx-small-graph.js';

const { onnx } = onnxProto;

describe('encodeSmallGraph', () => {
  const graph: SmallGraph = {
    name: 'g',
    opset: 13,
    inputs: [{ name: 'X', shape: ['n', 3] }],
    outputs: [{ name: 's', shape: [] }],
    nodes: [
      { opType: 'ReduceMax', inputs: ['X'], outputs: ['r'], ints: { axes: [-1], keepdims: 0 } },
      { opType: 'ReduceSumSquare', inputs: ['r'], outputs: ['s'], ints: { keepdims: 0 } },
    ],
  };

  it('decodes with onnx-proto to the same model, negative ints included', () => {
    const decoded = onnx.ModelProto.toObject(onnx.ModelProto.decode(encodeSmallGraph(graph)), { longs: Number, defaults: false });
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport).toEqual([{ domain: '', version: 13 }]);
    expect(decoded.graph.input[0].type.tensorType).toEqual({ elemType: 1, shape: { dim: [{ dimParam: 'n' }, { dimValue: 3 }] } });
    expect(decoded.graph.output[0].type.tensorType).toEqual({ elemType: 1, shape: {} });
    expect(decoded.graph.node.map((n: { opType: string }) => n.opType)).toEqual(['ReduceMax', 'ReduceSumSquare']);
    expect(decoded.graph.node[0].attribute).toEqual([
      { name: 'axes', ints: [-1], type: onnx.AttributeProto.AttributeType.INTS },
      { name: 'keepdims', i: 0, type: onnx.AttributeProto.AttributeType.INT },
    ]);
  });

  it('runs in onnxruntime: the sum of squared row maxima', async () => {
    const session = await ort.InferenceSession.create(encodeSmallGraph(graph));
    const x = Float32Array.from([1, 2, 3, -1, 0.5, 4]);
    const out = await session.run({ X: new ort.Tensor('float32', x, [2, 3]) });
    expect(Number(out.s!.data[0])).toBeCloseTo(3 ** 2 + 4 ** 2, 5);
  });
});
