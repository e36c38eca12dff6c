/** A dense float32 tensor, batch-major (row-major, C order). */
export interface Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export function tensor(data: Float32Array, shape: readonly number[]): Tensor {
  const expected = shape.reduce((a, b) => a * b, 1);
  if (expected !== data.length) {
    throw new RangeError(`tensor: data has ${data.length} values but shape [${shape.join(', ')}] needs ${expected}`);
  }
  return { data, shape };
}

/** Number of values in one row (the product of all but the batch dimension). */
export function rowSize(shape: readonly number[]): number {
  let size = 1;
  for (let i = 1; i < shape.length; i++) size *= shape[i] ?? 1;
  return size;
}

/** Rows [start, end) of a batch-major tensor, sharing memory with the original. */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  const size = rowSize(t.shape);
  return { data: t.data.subarray(start * size, end * size), shape: [end - start, ...t.shape.slice(1)] };
}

/** The given rows of a batch-major tensor, in the given order, copied into a new tensor. */
export function gatherRows(t: Tensor, rows: ArrayLike<number>): Tensor {
  const size = rowSize(t.shape);
  const data = new Float32Array(rows.length * size);
  for (let i = 0; i < rows.length; i++) data.set(t.data.subarray(rows[i]! * size, (rows[i]! + 1) * size), i * size);
  return { data, shape: [rows.length, ...t.shape.slice(1)] };
}

/** Concatenates float32 chunks (e.g. per-batch results) into one array. */
export function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
