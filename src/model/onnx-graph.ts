import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Ops that reshape or relabel a tensor without changing what its values mean. */
const PASS_THROUGH = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Cast', 'Dropout']);

/**
 * The op that gives a graph output its meaning: the producer of `outputName`, looked through
 * shape-only ops (Identity, Reshape, Flatten, Squeeze, …). Undefined when the bytes do not decode
 * or the output is a graph input. Used to tell a Softmax/Sigmoid head from raw logits.
 */
export function outputProducerOp(bytes: Uint8Array, outputName: string): string | undefined {
  let graph: onnxProto.onnx.IGraphProto | null | undefined;
  try {
    graph = onnx.ModelProto.decode(bytes).graph;
  } catch {
    return undefined;
  }
  const producers = new Map<string, onnxProto.onnx.INodeProto>();
  for (const node of graph?.node ?? []) for (const out of node.output ?? []) producers.set(out, node);
  let name = outputName;
  for (let hops = 0; hops < 64; hops++) {
    const node = producers.get(name);
    if (!node?.opType) return undefined;
    const source = node.input?.[0];
    if (!PASS_THROUGH.has(node.opType) || source === undefined) return node.opType;
    name = source;
  }
  return undefined;
}

/** What a head op says about the output: probabilities (Softmax, Sigmoid), logits (LogSoftmax), or unknown. */
export function kindFromProducer(op: string | undefined): 'probabilities' | 'logits' | undefined {
  if (op === 'Softmax' || op === 'Sigmoid') return 'probabilities';
  if (op === 'LogSoftmax') return 'logits';
  return undefined;
}

/** The op type producing each tensor of a graph (empty when the bytes do not decode). */
export function tensorProducers(bytes: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let graph: onnxProto.onnx.IGraphProto | null | undefined;
  try {
    graph = onnx.ModelProto.decode(bytes).graph;
  } catch {
    return out;
  }
  for (const node of graph?.node ?? []) for (const name of node.output ?? []) out.set(name, node.opType ?? '');
  return out;
}
