/**
 * Encodes a small ONNX model (float32 value infos, nodes with int/ints attributes, no initializers)
 * straight to protobuf bytes. Graphs that glassbox builds at run time for one computation (the Gram
 * products of CKA) use it instead of onnx-proto, whose generated module takes ~50 ms to load: more
 * than the computation saves on a short command.
 *
 * Field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
 * ValueInfoProto, TypeProto.Tensor, TensorShapeProto).
 */

export interface SmallGraphValue {
  readonly name: string;
  /** One entry per axis: a number is a fixed size, a string a symbolic one; [] is a scalar. */
  readonly shape: readonly (number | string)[];
}

export interface SmallGraphNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly ints?: Readonly<Record<string, number | readonly number[]>>;
}

export interface SmallGraph {
  readonly name: string;
  readonly inputs: readonly SmallGraphValue[];
  readonly outputs: readonly SmallGraphValue[];
  readonly nodes: readonly SmallGraphNode[];
  readonly opset: number;
  readonly irVersion?: number;
  readonly producerName?: string;
}

const FLOAT = 1;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

/** The model's protobuf bytes, loadable by onnxruntime's InferenceSession.create. */
export function encodeSmallGraph(graph: SmallGraph): Uint8Array {
  const model = new ProtoWriter();
  model.varintField(1, graph.irVersion ?? 8);
  model.stringField(2, graph.producerName ?? 'glassbox');
  model.messageField(7, encodeGraph(graph));
  const opset = new ProtoWriter();
  opset.stringField(1, '');
  opset.varintField(2, graph.opset);
  model.messageField(8, opset.finish());
  return model.finish();
}

function encodeGraph(graph: SmallGraph): Uint8Array {
  const out = new ProtoWriter();
  for (const node of graph.nodes) out.messageField(1, encodeNode(node));
  out.stringField(2, graph.name);
  for (const input of graph.inputs) out.messageField(11, encodeValue(input));
  for (const output of graph.outputs) out.messageField(12, encodeValue(output));
  return out.finish();
}

function encodeNode(node: SmallGraphNode): Uint8Array {
  const out = new ProtoWriter();
  for (const input of node.inputs) out.stringField(1, input);
  for (const output of node.outputs) out.stringField(2, output);
  out.stringField(3, node.outputs[0] ?? node.opType);
  out.stringField(4, node.opType);
  for (const [name, value] of Object.entries(node.ints ?? {})) {
    const attribute = new ProtoWriter();
    attribute.stringField(1, name);
    if (typeof value === 'number') {
      attribute.varintField(3, value);
      attribute.varintField(20, ATTRIBUTE_INT);
    } else {
      for (const v of value as readonly number[]) attribute.varintField(8, v);
      attribute.varintField(20, ATTRIBUTE_INTS);
    }
    out.messageField(5, attribute.finish());
  }
  return out.finish();
}

function encodeValue(value: SmallGraphValue): Uint8Array {
  const shape = new ProtoWriter();
  for (const axis of value.shape) {
    const dim = new ProtoWriter();
    if (typeof axis === 'number') dim.varintField(1, axis);
    else dim.stringField(2, axis);
    shape.messageField(1, dim.finish());
  }
  const tensor = new ProtoWriter();
  tensor.varintField(1, FLOAT);
  tensor.messageField(2, shape.finish());
  const type = new ProtoWriter();
  type.messageField(1, tensor.finish());
  const info = new ProtoWriter();
  info.stringField(1, value.name);
  info.messageField(2, type.finish());
  return info.finish();
}

/** Protobuf wire format: varints (wire type 0) and length-delimited fields (wire type 2). */
class ProtoWriter {
  private readonly bytes: number[] = [];

  varintField(field: number, value: number): void {
    this.varint(field << 3);
    this.varint(value);
  }

  stringField(field: number, value: string): void {
    this.messageField(field, new TextEncoder().encode(value));
  }

  messageField(field: number, body: Uint8Array): void {
    this.varint((field << 3) | 2);
    this.varint(body.length);
    for (const b of body) this.bytes.push(b);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  /** int64 semantics: a negative value is written as its 64-bit two's complement (10 bytes). */
  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf varint: ${value} is not a safe integer`);
    let v = value >= 0 ? BigInt(value) : (1n << 64n) + BigInt(value);
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
}
