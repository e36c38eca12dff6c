import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { GlassboxError } from '../errors.js';

/** The `.npy` element types glassbox reads and writes (little-endian, C order). */
export type NpyDtype = 'float32' | 'float64' | 'uint8' | 'int64';

export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** Row-major (C order) values; int64 stays lossless as BigInt64Array. */
  readonly data: Float32Array | Float64Array | Uint8Array | BigInt64Array;
}

export const NPY_DESCR: Readonly<Record<string, NpyDtype>> = { '<f4': 'float32', '<f8': 'float64', '|u1': 'uint8', '<u1': 'uint8', '<i8': 'int64' };
const DESCR_OF: Readonly<Record<NpyDtype, string>> = { float32: '<f4', float64: '<f8', uint8: '|u1', int64: '<i8' };
export const NPY_ITEM_SIZE: Readonly<Record<NpyDtype, number>> = { float32: 4, float64: 8, uint8: 1, int64: 8 };
const MAGIC = '\x93NUMPY';

function npyError(source: string, message: string, hint: string): GlassboxError {
  return new GlassboxError('invalid_input', `${source}: ${message}`, { file: source, hint });
}

export interface NpyHeader { readonly descr: string; readonly fortran: boolean; readonly shape: number[]; readonly dataOffset: number }

/** Parses the header of a .npy file from its first bytes (the whole header must be present). */
export function parseNpyHeader(bytes: Uint8Array, source: string): NpyHeader {
  if (bytes.length < 10 || Buffer.from(bytes.subarray(0, 6)).toString('latin1') !== MAGIC) {
    throw npyError(source, 'not a .npy file (the magic string \\x93NUMPY is missing).', 'Save the array with numpy.save (not savez or pickle).');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) throw npyError(source, 'truncated header.', 'The file was cut off; save it again.');
  const text = Buffer.from(bytes.subarray(start, start + headerLength)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw npyError(source, `unreadable header ${JSON.stringify(text.trim())}.`, 'Save the array with numpy.save.');
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  return { descr, fortran: fortran === 'True', shape, dataOffset: start + headerLength };
}

/**
 * The header of a .npy file, read from its first 4 KiB without reading the data (undefined when the file
 * cannot be opened or its header is longer; readNpy then reports the problem).
 */
export function peekNpyHeader(path: string): NpyHeader | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = new Uint8Array(4096);
    const length = readSync(fd, head, 0, head.length, 0);
    return parseNpyHeader(head.subarray(0, length), path);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Reads a NumPy `.npy` array (format versions 1–3): float32, float64, uint8 or int64, little-endian, C order.
 * Fortran order, other dtypes and truncated files are rejected with a specific error.
 * `view`: when the caller owns `input` (or a path is given), return the data as a view on the file's
 * bytes when they are aligned for the element type (numpy aligns its headers to 64 bytes), instead of a
 * copy: for large activation files this saves a pass over every byte.
 */
export function readNpy(input: string | Uint8Array, name?: string, options: { readonly view?: boolean } = {}): NpyArray {
  const source = name ?? (typeof input === 'string' ? input : '.npy buffer');
  let bytes: Uint8Array;
  try {
    bytes = typeof input === 'string' ? readFileSync(input) : input;
  } catch (error) {
    throw new GlassboxError('invalid_input', `.npy file not found: ${source}.`, { file: source, hint: 'Check the path.' }, { cause: error });
  }
  const header = parseNpyHeader(bytes, source);
  const dtype = NPY_DESCR[header.descr];
  if (!dtype) {
    throw npyError(source, `unsupported dtype ${JSON.stringify(header.descr)}.`, 'Convert it first: arr.astype(np.float32) (float32, float64, uint8 and int64, little-endian, are supported).');
  }
  if (header.fortran) {
    throw npyError(source, 'the array is stored in Fortran (column-major) order.', 'Save a C-ordered copy: np.save(path, np.ascontiguousarray(arr)).');
  }
  const count = header.shape.reduce((a, b) => a * b, 1);
  const byteLength = count * NPY_ITEM_SIZE[dtype];
  const available = bytes.length - header.dataOffset;
  if (available < byteLength) {
    throw npyError(source, `truncated data: shape [${header.shape.join(', ')}] ${dtype} needs ${byteLength} bytes but only ${available} follow the header.`, 'The file was cut off while copying or saving; save it again.');
  }
  const start = bytes.byteOffset + header.dataOffset;
  const viewable = options.view === true && start % NPY_ITEM_SIZE[dtype] === 0;
  const buffer = viewable ? (bytes.buffer as ArrayBuffer) : (bytes.buffer.slice(start, start + byteLength) as ArrayBuffer);
  const offset = viewable ? start : 0;
  const data = dtype === 'float32' ? new Float32Array(buffer, offset, count) : dtype === 'float64' ? new Float64Array(buffer, offset, count) : dtype === 'uint8' ? new Uint8Array(buffer, offset, count) : new BigInt64Array(buffer, offset, count);
  return { dtype, shape: header.shape, data };
}

function dtypeOf(data: NpyArray['data']): NpyDtype {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof BigInt64Array) return 'int64';
  throw new GlassboxError('invalid_argument', `encodeNpy: ${(data as object).constructor.name} is not a supported .npy element type.`, {
    argument: 'data',
    hint: 'Pass a Float32Array, Float64Array, Uint8Array or BigInt64Array (convert Int32Array with BigInt64Array.from(..., BigInt)).',
  });
}

/** Encodes an array as `.npy` (format 1.0, C order, little-endian). */
export function encodeNpy(data: NpyArray['data'], shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new GlassboxError('shape_mismatch', `encodeNpy: shape [${shape.join(', ')}] needs ${count} values but data has ${data.length}.`, { argument: 'shape', hint: 'Pass the shape of the data.' });
  }
  const header = npyHeaderBytes(dtypeOf(data), shape);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([header, body]);
}

/** The header of a .npy file (format 1.0, C order, little-endian) for this dtype and shape. */
export function npyHeaderBytes(dtype: NpyDtype, shape: readonly number[]): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${DESCR_OF[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const header = Buffer.alloc(10 + dict.length);
  header.write(MAGIC, 0, 'latin1');
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(dict.length, 8);
  header.write(dict, 10, 'latin1');
  return header;
}

/** Writes an array as a `.npy` file readable by numpy.load. */
export function writeNpy(path: string, data: NpyArray['data'], shape: readonly number[]): void {
  writeFileSync(path, encodeNpy(data, shape));
}

/** The values as float64 (int64 converted; exact below 2^53). */
export function npyToFloat64(array: NpyArray): Float64Array {
  if (array.data instanceof Float64Array) return array.data;
  const out = new Float64Array(array.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(array.data[i]!);
  return out;
}
