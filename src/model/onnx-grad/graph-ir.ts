import onnxProto from 'onnx-proto';
import { GlassboxError } from '../../errors.js';
import { tensorFromProto, toNumber, type HostTensor } from './host-tensor.js';

const { onnx } = onnxProto;

/** One attribute value, already decoded. */
export type AttrValue = number | string | readonly number[] | readonly string[] | HostTensor;

export interface NodeIR {
  readonly opType: string;
  readonly domain: string;
  /** Node name, or a generated `<opType>_<index>` when the export left it empty. */
  readonly name: string;
  /** Input tensor names; '' marks an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: ReadonlyMap<string, AttrValue>;
}

export interface ValueInfoIR {
  readonly name: string;
  /** `null` for a symbolic or unknown dimension. */
  readonly shape: readonly (number | null)[];
  readonly elemType: number;
}

/** A decoded ONNX graph: topologically ordered nodes, initializers on the host, the default-domain opset. */
export interface GraphIR {
  readonly nodes: readonly NodeIR[];
  readonly initializers: ReadonlyMap<string, HostTensor>;
  readonly inputs: readonly ValueInfoIR[];
  readonly outputs: readonly ValueInfoIR[];
  readonly opset: number;
}

function decodeAttr(attr: onnxProto.onnx.IAttributeProto): AttrValue {
  const T = onnx.AttributeProto.AttributeType;
  const text = (b: Uint8Array): string => new TextDecoder().decode(b);
  switch (attr.type) {
    case T.FLOAT: return attr.f ?? 0;
    case T.INT: return toNumber(attr.i);
    case T.STRING: return text(attr.s ?? new Uint8Array());
    case T.TENSOR: return tensorFromProto(attr.t ?? {});
    case T.FLOATS: return attr.floats ?? [];
    case T.INTS: return (attr.ints ?? []).map((v) => toNumber(v));
    case T.STRINGS: return (attr.strings ?? []).map(text);
    default:
      throw new GlassboxError('unsupported_model', `ONNX attribute '${attr.name ?? ''}' has type ${String(attr.type)}, which the gradient interpreter does not read.`, {
        hint: 'Graph-valued attributes (If/Loop/Scan) are not supported; export the model without control flow.',
      });
  }
}

function valueInfo(info: onnxProto.onnx.IValueInfoProto): ValueInfoIR {
  const tensorType = info.type?.tensorType;
  const dims = tensorType?.shape?.dim ?? [];
  return {
    name: info.name ?? '',
    shape: dims.map((d) => (d.dimValue !== null && d.dimValue !== undefined && !d.dimParam ? toNumber(d.dimValue) : null)),
    elemType: tensorType?.elemType ?? 1,
  };
}

/** Decodes ONNX ModelProto bytes into the interpreter's graph IR. */
export function decodeOnnx(bytes: Uint8Array, file = '<bytes>'): GraphIR {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new GlassboxError('invalid_input', `${file} is not a valid ONNX model: ${(cause as Error).message}`, { file, hint: 'Check that the file is an .onnx ModelProto (not a checkpoint or a zip).' }, { cause });
  }
  const graph = model.graph;
  if (!graph) throw new GlassboxError('invalid_input', `${file} holds no graph.`, { file, hint: 'Re-export the model with torch.onnx.export.' });
  const opset = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const initializers = new Map<string, HostTensor>();
  for (const init of graph.initializer ?? []) initializers.set(init.name ?? '', tensorFromProto(init));
  const nodes = (graph.node ?? []).map((node, index): NodeIR => {
    const attrs = new Map<string, AttrValue>();
    for (const attr of node.attribute ?? []) attrs.set(attr.name ?? '', decodeAttr(attr));
    const opType = node.opType ?? '';
    return { opType, domain: node.domain ?? '', name: node.name || `${opType}_${index}`, inputs: node.input ?? [], outputs: node.output ?? [], attrs };
  });
  return {
    nodes,
    initializers,
    inputs: (graph.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map(valueInfo),
    outputs: (graph.output ?? []).map(valueInfo),
    opset: opset ? toNumber(opset.version) : 13,
  };
}
