import { closeSync, openSync, readSync, renameSync, rmSync, writeSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { GlassboxError } from '../errors.js';
import { NPY_DESCR, NPY_ITEM_SIZE, npyHeaderBytes, parseNpyHeader, type NpyDtype } from './npy.js';

/** A .npy file read a few rows at a time: only the rows asked for are in memory. */
export interface NpyRowReader {
  readonly shape: readonly number[];
  readonly dtype: NpyDtype;
  readonly rows: number;
  /** Values per row (the product of the shape after the first axis). */
  readonly rowSize: number;
  /** Rows [start, start + count) as float32. */
  readRows(start: number, count: number): Float32Array;
  close(): void;
}

/** Opens a C-order float32, float64 or uint8 .npy file for reading by rows. */
export function openNpyRows(path: string): NpyRowReader {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    throw new GlassboxError('invalid_input', `.npy file not found: ${path}.`, { file: path, hint: 'Check the path.' }, { cause });
  }
  const head = Buffer.alloc(65536);
  const got = readSync(fd, head, 0, head.length, 0);
  const header = parseNpyHeader(head.subarray(0, got), path);
  const dtype = NPY_DESCR[header.descr];
  if (!dtype || dtype === 'int64' || header.fortran || header.shape.length === 0) {
    closeSync(fd);
    throw new GlassboxError('invalid_input', `${path}: streamed reading takes a C-order float32, float64 or uint8 array with a first (row) axis; this one is ${header.descr}${header.fortran ? ', Fortran order' : ''}.`, { file: path, hint: 'Save it with np.save(path, np.ascontiguousarray(arr, dtype=np.float32)).' });
  }
  const rows = header.shape[0]!;
  const rowSize = header.shape.slice(1).reduce((a, b) => a * b, 1);
  const item = NPY_ITEM_SIZE[dtype];
  return {
    shape: header.shape,
    dtype,
    rows,
    rowSize,
    readRows(start, count) {
      const bytes = Buffer.alloc(count * rowSize * item);
      const read = readSync(fd, bytes, 0, bytes.length, header.dataOffset + start * rowSize * item);
      if (read < bytes.length) throw new GlassboxError('invalid_input', `${path}: truncated data at row ${start + Math.floor(read / (rowSize * item))}.`, { file: path, hint: 'The file was cut off; save it again.' });
      const view = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      if (dtype === 'float32') return new Float32Array(view);
      return Float32Array.from(dtype === 'float64' ? new Float64Array(view) : new Uint8Array(view));
    },
    close: () => closeSync(fd),
  };
}

/**
 * Writes a float32 .npy file row block by row block, for arrays that need not fit in memory. The file is
 * written to a temporary sibling and renamed into place by `finish`; `abort` removes it.
 */
export class NpyRowWriter {
  readonly #path: string;
  readonly #temp: string;
  readonly #fd: number;
  readonly #expected: number;
  #written = 0;

  constructor(path: string, shape: readonly number[]) {
    this.#path = path;
    mkdirSync(dirname(path), { recursive: true });
    this.#temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    this.#fd = openSync(this.#temp, 'w');
    this.#expected = shape.reduce((a, b) => a * b, 1);
    writeSync(this.#fd, npyHeaderBytes('float32', shape));
  }

  append(values: Float32Array): void {
    writeSync(this.#fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    this.#written += values.length;
  }

  finish(): void {
    closeSync(this.#fd);
    if (this.#written !== this.#expected) {
      rmSync(this.#temp, { force: true });
      throw new GlassboxError('shape_mismatch', `${this.#path}: ${this.#written} values were written for a shape of ${this.#expected}.`, { file: this.#path });
    }
    renameSync(this.#temp, this.#path);
  }

  abort(): void {
    try {
      closeSync(this.#fd);
    } catch {
      // already closed
    }
    rmSync(this.#temp, { force: true });
  }
}
