import onnxProto from 'onnx-proto';
import { GlassboxError } from '../../errors.js';
import { overrideWeights } from './backward/compile.js';
import type { HostTensor } from './host-tensor.js';

const { onnx } = onnxProto;
const FLOAT = 1;

/** Names of the graph's float32 (TensorProto FLOAT) initializers, in file order. */
export function floatInitializerNames(bytes: Uint8Array): string[] {
  const model = onnx.ModelProto.decode(bytes);
  return (model.graph?.initializer ?? []).filter((t) => t.dataType === FLOAT).map((t) => t.name ?? '');
}

/**
 * The ONNX ModelProto `bytes` with the named float32 initializers replaced (everything else — nodes,
 * opsets, metadata, other initializers — kept as it was). Refuses names that are not float32
 * initializers and values whose size differs from the original's.
 */
export function replaceInitializers(bytes: Uint8Array, weights: ReadonlyMap<string, HostTensor>, file = 'ONNX model'): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new GlassboxError('invalid_input', `${file} holds no graph.`, { file, hint: 'Pass an ONNX ModelProto.' });
  const originals = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  for (const [name, t] of weights) {
    const original = originals.get(name);
    if (!original || original.dataType !== FLOAT) {
      throw new GlassboxError('invalid_argument', `${file}: '${name}' is not a float32 initializer of the graph, so it cannot be written back.`, { file, argument: name, hint: 'Write only weights taken from getWeights().' });
    }
    const size = (original.dims ?? []).reduce((a: number, d) => a * Number(d), 1);
    if (t.data.length !== size || t.dtype !== 'float32') {
      throw new GlassboxError('shape_mismatch', `${file}: initializer '${name}' has ${size} float32 values but ${t.data.length} ${t.dtype} values were given.`, { file, argument: name, hint: 'Keep each weight\'s shape.' });
    }
  }
  const shaped = new Map<string, HostTensor>();
  for (const [name, t] of weights) shaped.set(name, { dtype: 'float32', shape: (originals.get(name)!.dims ?? []).map(Number), data: t.data });
  overrideWeights(graph, shaped);
  return onnx.ModelProto.encode(model).finish();
}
