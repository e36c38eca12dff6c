import { GlassboxError } from '../../errors.js';
import { squaredDistances, type RepresentationMatrix } from '../cka/matrix.js';

/**
 * Trustworthiness of an embedding (Venna & Kaski 2001), as scikit-learn's `sklearn.manifold.trustworthiness`
 * defines it: T(k) = 1 − 2/(n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_i} (r(i, j) − k), where U_i are the k nearest
 * neighbours of i in the embedding that are not among its k nearest in the original space, and r(i, j) is
 * j's rank among i's neighbours in the original space (1 = nearest). 1 means every embedded neighbourhood
 * was a neighbourhood before. Needs k < n/2. O(n²) memory: meant for up to a few thousand points.
 */
export function trustworthiness(original: RepresentationMatrix, embedded: RepresentationMatrix, k = 5): number {
  const n = original.rows;
  if (embedded.rows !== n) throw new GlassboxError('shape_mismatch', `The embedding has ${embedded.rows} rows for ${n} points.`, { argument: 'embedded' });
  if (!(Number.isInteger(k) && k >= 1 && k < n / 2)) throw new GlassboxError('invalid_argument', `k must be an integer with 1 ≤ k < n/2 = ${n / 2}; got ${k}.`, { argument: 'k' });
  const dx = squaredDistances(original);
  const dy = squaredDistances(embedded);
  const rank = new Int32Array(n);
  const order = new Int32Array(n);
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    // ranks in the original space (self excluded; ties broken by index, as a stable argsort)
    const byX = sortedNeighbours(dx, i, n, order);
    byX.forEach((j, r) => (rank[j] = r + 1));
    const byY = sortedNeighbours(dy, i, n, new Int32Array(n));
    for (let t = 0; t < k; t++) {
      const r = rank[byY[t]!]!;
      if (r > k) penalty += r - k;
    }
  }
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
}

function sortedNeighbours(d: Float64Array, i: number, n: number, scratch: Int32Array): Int32Array {
  for (let j = 0; j < n; j++) scratch[j] = j;
  const others = Array.from(scratch).filter((j) => j !== i);
  others.sort((a, b) => d[i * n + a]! - d[i * n + b]! || a - b);
  return Int32Array.from(others);
}
