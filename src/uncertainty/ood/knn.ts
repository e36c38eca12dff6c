import { GlassboxError } from '../../errors.js';

/**
 * Deep nearest-neighbour OOD score (Sun et al. 2022, "Out-of-distribution detection with deep nearest
 * neighbors"): features are L2-normalised, and the score of a row is its Euclidean distance to the k-th
 * nearest fitting row (higher = more likely OOD). Brute force over the fitting rows.
 */
export interface KnnReference {
  readonly dim: number;
  readonly rows: number;
  /** Normalised fitting features, rows × dim. */
  readonly features: Float32Array;
  readonly k: number;
  readonly normalize: boolean;
}

/** L2-normalises each row in place (a zero row stays zero). */
export function normalizeRows(features: Float32Array, n: number, dim: number): Float32Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += features[i * dim + j]! ** 2;
    const norm = Math.sqrt(s);
    if (norm > 0) for (let j = 0; j < dim; j++) features[i * dim + j] = features[i * dim + j]! / norm;
  }
  return features;
}

export function knnReference(features: ArrayLike<number>, n: number, dim: number, options: { k?: number; normalize?: boolean } = {}): KnnReference {
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new GlassboxError('invalid_argument', `kNN: k must be an integer in [1, ${n}] (the number of fitting rows); got ${k}`, { argument: '--k' });
  }
  const copy = Float32Array.from(features as ArrayLike<number>);
  const normalize = options.normalize ?? true;
  if (normalize) normalizeRows(copy, n, dim);
  return { dim, rows: n, features: copy, k, normalize };
}

/**
 * Distance to the k-th nearest fitting row for each query row. `exclude`, when given, maps a query row
 * to a fitting row to leave out (the row itself, for scores of the fitting rows).
 */
export function knnScores(ref: KnnReference, queries: ArrayLike<number>, n: number, options: { exclude?: (row: number) => number } = {}): Float64Array {
  const { dim, rows, features, k } = ref;
  const q = Float32Array.from(queries as ArrayLike<number>);
  if (ref.normalize) normalizeRows(q, n, dim);
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += features[r * dim + j]! ** 2;
    norms[r] = s;
  }
  const best = new Float64Array(k);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    best.fill(Infinity);
    let qq = 0;
    for (let j = 0; j < dim; j++) qq += q[i * dim + j]! ** 2;
    const skip = options.exclude?.(i) ?? -1;
    for (let r = 0; r < rows; r++) {
      if (r === skip) continue;
      let dot = 0;
      const o = r * dim;
      const qo = i * dim;
      for (let j = 0; j < dim; j++) dot += q[qo + j]! * features[o + j]!;
      const d2 = Math.max(0, qq + norms[r]! - 2 * dot);
      if (d2 >= best[k - 1]!) continue;
      let pos = k - 1;
      while (pos > 0 && best[pos - 1]! > d2) {
        best[pos] = best[pos - 1]!;
        pos--;
      }
      best[pos] = d2;
    }
    out[i] = Math.sqrt(best[k - 1]!);
  }
  return out;
}
