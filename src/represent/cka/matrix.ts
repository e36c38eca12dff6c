import { GlassboxError } from '../../errors.js';

/** A row-major n × d matrix of representations: one row per example, one column per feature. */
export interface RepresentationMatrix {
  readonly data: Float32Array | Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Checks a matrix's shape and that it holds finite values only. */
export function checkMatrix(m: RepresentationMatrix, name: string): void {
  checkShape(m, name);
  checkFinite(m, name);
}

/** The data form rows × cols, with at least 2 rows. */
export function checkShape(m: RepresentationMatrix, name: string): void {
  if (!(m.rows >= 2) || !(m.cols >= 1) || m.data.length !== m.rows * m.cols) {
    throw new GlassboxError('shape_mismatch', `${name}: ${m.data.length} values do not form ${m.rows} × ${m.cols} (need at least 2 rows).`, { argument: name, hint: 'Pass an n × d matrix with one row per example.' });
  }
}

/** Every value is finite; the error names the first row and column that is not. */
export function checkFinite(m: RepresentationMatrix, name: string): void {
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i]!)) {
      throw new GlassboxError('invalid_input', `${name}: row ${Math.floor(i / m.cols)}, column ${i % m.cols} is not finite.`, { argument: name, row: Math.floor(i / m.cols), hint: 'Drop the rows with NaN/Inf activations.' });
    }
  }
}

/** Both matrices describe the same examples, in the same order. `names` label them in errors (default X, Y). */
export function checkPaired(x: RepresentationMatrix, y: RepresentationMatrix, options: { readonly finite?: boolean; readonly names?: readonly [string, string] } = {}): void {
  const [xName, yName] = options.names ?? ['X', 'Y'];
  checkShape(x, xName);
  checkShape(y, yName);
  if (options.finite !== false) {
    checkFinite(x, xName);
    checkFinite(y, yName);
  }
  if (x.rows !== y.rows) {
    throw new GlassboxError('shape_mismatch', `${xName} has ${x.rows} rows and ${yName} ${y.rows}; CKA compares two representations of the same examples.`, { argument: yName, hint: 'Compute both on the same inputs, in the same order.' });
  }
}

/** Column-centred copy in float64. */
export function centerColumns(m: RepresentationMatrix): Float64Array {
  const { rows, cols, data } = m;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += data[i * cols + j]!;
  for (let j = 0; j < cols; j++) mean[j]! /= rows;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = data[i * cols + j]! - mean[j]!;
  return out;
}

/** n × n Gram matrix A Aᵀ of a row-major n × d float64 matrix (symmetric, filled both halves). */
export function gram(a: Float64Array, n: number, d: number): Float64Array {
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * d;
    for (let j = 0; j <= i; j++) {
      const rj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += a[ri + t]! * a[rj + t]!;
      k[i * n + j] = s;
      k[j * n + i] = s;
    }
  }
  return k;
}

/** d × d matrix Aᵀ B of row-major n × da and n × db float64 matrices (da × db). */
export function crossProduct(a: Float64Array, da: number, b: Float64Array, db: number, n: number): Float64Array {
  const out = new Float64Array(da * db);
  for (let r = 0; r < n; r++) {
    const ra = r * da;
    const rb = r * db;
    for (let i = 0; i < da; i++) {
      const v = a[ra + i]!;
      if (v === 0) continue;
      const row = i * db;
      for (let j = 0; j < db; j++) out[row + j]! += v * b[rb + j]!;
    }
  }
  return out;
}

/** Σ of squared entries. */
export function sumSquares(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return s;
}

/** Squared Euclidean distances between all rows (n × n, float64). */
export function squaredDistances(m: RepresentationMatrix): Float64Array {
  const { rows: n, cols: d, data } = m;
  const x = Float64Array.from(data);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) norms[i]! += x[i * d + t]! ** 2;
  const g = gram(x, n, d);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = i === j ? 0 : Math.max(0, norms[i]! + norms[j]! - 2 * g[i * n + j]!);
  return out;
}
