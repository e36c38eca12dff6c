import type onnxProto from 'onnx-proto';
import { GlassboxError } from '../../errors.js';

/** dtypes the interpreter computes in (ONNX int64/uint8/… become int32, double becomes float32). */
export type HostDtype = 'float32' | 'int32' | 'bool';

/** A tensor held on the host: initializers, Constant values, shape arithmetic. */
export interface HostTensor {
  readonly dtype: HostDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/** ONNX TensorProto.DataType codes. */
export const OnnxType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;

type LongLike = number | bigint | { toNumber(): number };

/** A protobuf int64 (number, bigint or Long) as a JS number; values beyond 2^53 saturate. */
export function toNumber(value: LongLike | null | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return value.toNumber();
}

/** Maps an ONNX data type to the dtype the interpreter computes in. */
export function hostDtypeOf(onnxType: number): HostDtype {
  if (onnxType === OnnxType.FLOAT || onnxType === OnnxType.DOUBLE || onnxType === OnnxType.FLOAT16) return 'float32';
  if (onnxType === OnnxType.BOOL) return 'bool';
  if (onnxType === OnnxType.STRING) {
    throw new GlassboxError('unsupported_model', 'ONNX string tensors are not supported by the gradient interpreter.', {
      hint: 'Remove string pre-processing from the graph and feed numeric tensors.',
    });
  }
  return 'int32';
}

function clampInt32(v: number): number {
  if (v > 2147483647) return 2147483647;
  if (v < -2147483648) return -2147483648;
  return v;
}

function decodeHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function fromRaw(raw: Uint8Array, onnxType: number, size: number): number[] | Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (onnxType === OnnxType.FLOAT) {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const out = new Array<number>(size);
  for (let i = 0; i < size; i++) {
    switch (onnxType) {
      case OnnxType.DOUBLE: out[i] = view.getFloat64(i * 8, true); break;
      case OnnxType.FLOAT16: out[i] = decodeHalf(view.getUint16(i * 2, true)); break;
      case OnnxType.INT64: out[i] = clampInt32(Number(view.getBigInt64(i * 8, true))); break;
      case OnnxType.UINT64: out[i] = clampInt32(Number(view.getBigUint64(i * 8, true))); break;
      case OnnxType.INT32: out[i] = view.getInt32(i * 4, true); break;
      case OnnxType.UINT32: out[i] = clampInt32(view.getUint32(i * 4, true)); break;
      case OnnxType.INT16: out[i] = view.getInt16(i * 2, true); break;
      case OnnxType.UINT16: out[i] = view.getUint16(i * 2, true); break;
      case OnnxType.INT8: out[i] = view.getInt8(i); break;
      case OnnxType.UINT8: case OnnxType.BOOL: out[i] = view.getUint8(i); break;
      default:
        throw new GlassboxError('unsupported_model', `ONNX tensor data type ${onnxType} is not supported.`, { hint: 'Cast the tensor to float32 or int64 in the export.' });
    }
  }
  return out;
}

function typedFieldValues(proto: onnxProto.onnx.ITensorProto): number[] {
  const t = proto.dataType ?? 0;
  if (t === OnnxType.FLOAT || t === OnnxType.FLOAT16) {
    if (t === OnnxType.FLOAT16) return (proto.int32Data ?? []).map((v) => decodeHalf(v));
    return proto.floatData ?? [];
  }
  if (t === OnnxType.DOUBLE) return proto.doubleData ?? [];
  if (t === OnnxType.INT64) return (proto.int64Data ?? []).map((v) => clampInt32(toNumber(v)));
  if (t === OnnxType.UINT64 || t === OnnxType.UINT32) return (proto.uint64Data ?? []).map((v) => clampInt32(toNumber(v)));
  return proto.int32Data ?? [];
}

/** Decodes an ONNX TensorProto (raw_data little-endian or the typed repeated fields). */
export function tensorFromProto(proto: onnxProto.onnx.ITensorProto): HostTensor {
  if ((proto.dataLocation ?? 0) === 1) {
    throw new GlassboxError('unsupported_model', `ONNX tensor '${proto.name ?? ''}' stores its data externally; only self-contained models are supported.`, {
      hint: 'Re-export with onnx.save(model, path, save_as_external_data=False).',
    });
  }
  const onnxType = proto.dataType ?? OnnxType.FLOAT;
  const dtype = hostDtypeOf(onnxType);
  const shape = (proto.dims ?? []).map((d) => toNumber(d));
  const size = shape.reduce((a, b) => a * b, 1);
  const raw = proto.rawData && proto.rawData.length > 0 ? fromRaw(proto.rawData, onnxType, size) : typedFieldValues(proto);
  if (raw.length !== size) {
    throw new GlassboxError('unsupported_model', `ONNX tensor '${proto.name ?? ''}' has ${raw.length} values but its dims [${shape.join(', ')}] need ${size}.`, {
      hint: 'The model file may be truncated or corrupt; re-export it.',
    });
  }
  return makeHostTensor(dtype, shape, raw);
}

export function makeHostTensor(dtype: HostDtype, shape: readonly number[], values: ArrayLike<number>): HostTensor {
  const data = dtype === 'float32' ? Float32Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values, (v) => (v ? 1 : 0));
  return { dtype, shape: [...shape], data };
}
