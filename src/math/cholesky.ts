/**
 * Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite matrix (row-major n × n, lower
 * triangle read), for solving one normal-equation system against several right-hand sides with one
 * factorisation (half the work of LU). Returns undefined when A is not numerically positive definite.
 */
export function choleskyFactor(a: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(a[i * n + i]!));
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    const d = a[rowJ + j]! - dot(l, rowJ, l, rowJ, j);
    if (!(d > 1e-14 * scale)) return undefined;
    const djj = Math.sqrt(d);
    l[rowJ + j] = djj;
    for (let i = j + 1; i < n; i++) l[i * n + j] = (a[i * n + j]! - dot(l, i * n, l, rowJ, j)) / djj;
  }
  return l;
}

/** Σ_{k<len} x[xo + k]·y[yo + k], unrolled by four. */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += x[xo + k]! * y[yo + k]!;
    s1 += x[xo + k + 1]! * y[yo + k + 1]!;
    s2 += x[xo + k + 2]! * y[yo + k + 2]!;
    s3 += x[xo + k + 3]! * y[yo + k + 3]!;
  }
  for (; k < len; k++) s0 += x[xo + k]! * y[yo + k]!;
  return s0 + s1 + s2 + s3;
}

/** Solves L·Lᵀ x = b for the factor from `choleskyFactor`. */
export function choleskySolve(l: Float64Array, b: Float64Array, n: number): Float64Array {
  const x = forwardSolve(l, b, n);
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Solves L·z = b (forward substitution). */
export function forwardSolve(l: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  const z = Float64Array.from(b);
  for (let i = 0; i < n; i++) z[i] = (z[i]! - dot(l, i * n, z, 0, i)) / l[i * n + i]!;
  return z;
}
