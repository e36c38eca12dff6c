import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;

export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** An attribute to emit, typed explicitly (ONNX distinguishes INT from FLOAT even for 1.0). */
export type EmitAttr = { int: number } | { ints: readonly number[] } | { float: number } | { string: string };

function attribute(name: string, value: EmitAttr): onnxProto.onnx.IAttributeProto {
  if ('int' in value) return { name, type: A.INT, i: value.int };
  if ('ints' in value) return { name, type: A.INTS, ints: [...value.ints] };
  if ('float' in value) return { name, type: A.FLOAT, f: value.float };
  return { name, type: A.STRING, s: new TextEncoder().encode(value.string) };
}

/**
 * Appends nodes and constants to an ONNX graph under fresh names. Emission respects the graph's
 * opset (axes as inputs from opset 13, as attributes before), since one model imports one opset.
 */
export class GraphEmitter {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private counter = 0;

  constructor(
    readonly opset: number,
    private readonly prefix = 'glassbox_bw',
  ) {}

  fresh(hint: string): string {
    return `${this.prefix}_${this.counter++}_${hint}`;
  }

  /** Emits one node; returns its output names. */
  ops(opType: string, inputs: readonly string[], attrs: Record<string, EmitAttr> = {}, outputCount = 1): string[] {
    const outputs = Array.from({ length: outputCount }, () => this.fresh(opType));
    this.nodes.push({
      opType,
      name: this.fresh(`${opType}_node`),
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outputs;
  }

  op(opType: string, inputs: readonly string[], attrs: Record<string, EmitAttr> = {}): string {
    return this.ops(opType, inputs, attrs)[0]!;
  }

  floats(values: ArrayLike<number>, dims: readonly number[]): string {
    const name = this.fresh('const');
    const data = Float32Array.from(values as ArrayLike<number>);
    this.initializers.push({ name, dims: [...dims], dataType: ONNX_FLOAT, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  scalar(value: number): string {
    return this.floats([value], []);
  }

  int64s(values: readonly number[]): string {
    const name = this.fresh('ints');
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: ONNX_INT64, rawData: new Uint8Array(data.buffer) });
    return name;
  }

  reduceSum(x: string, axes: readonly number[], keepdims: boolean): string {
    const keep = { keepdims: { int: keepdims ? 1 : 0 } };
    if (this.opset >= 13) return this.op('ReduceSum', [x, this.int64s(axes)], keep);
    return this.op('ReduceSum', [x], { axes: { ints: axes }, ...keep });
  }

  unsqueeze(x: string, axes: readonly number[]): string {
    if (this.opset >= 13) return this.op('Unsqueeze', [x, this.int64s(axes)]);
    return this.op('Unsqueeze', [x], { axes: { ints: axes } });
  }

  /** x reshaped to the (runtime) shape of `like`. */
  reshapeLike(x: string, like: string): string {
    return this.op('Reshape', [x, this.op('Shape', [like])]);
  }

  /** 1.0 where the boolean tensor holds, else 0.0. */
  mask(condition: string): string {
    return this.op('Cast', [condition], { to: { int: ONNX_FLOAT } });
  }
}
