import { throwIfAborted } from '../../errors.js';
import type { RepresentationMatrix } from '../cka/matrix.js';

export interface NeighborGraph {
  /** Neighbours per point. */
  readonly k: number;
  /** n × k indices, nearest first (ties by lower index). */
  readonly indices: Int32Array;
  /** n × k squared Euclidean distances, matching `indices`. */
  readonly squaredDistances: Float64Array;
}

export interface NeighborOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Exact k nearest neighbours (self excluded) by brute force over each pair once: O(n² d) time, O(n k) memory.
 * Each point keeps a bounded max-heap of its k best candidates.
 */
export function exactNeighbors(m: RepresentationMatrix, k: number, options: NeighborOptions = {}): NeighborGraph {
  const { rows: n, cols: d } = m;
  const x = Float64Array.from(m.data);
  const heapIdx = new Int32Array(n * k).fill(-1);
  const heapDist = new Float64Array(n * k).fill(Infinity);
  const push = (i: number, j: number, dist: number): void => {
    const base = i * k;
    // the root holds the worst candidate; among equal distances the higher index is worse
    if (dist > heapDist[base]! || (dist === heapDist[base]! && j > heapIdx[base]! && heapIdx[base]! >= 0)) return;
    let pos = 0;
    for (;;) {
      const left = 2 * pos + 1;
      if (left >= k) break;
      const right = left + 1;
      let child = left;
      if (right < k && worse(heapDist[base + right]!, heapIdx[base + right]!, heapDist[base + left]!, heapIdx[base + left]!)) child = right;
      if (!worse(heapDist[base + child]!, heapIdx[base + child]!, dist, j)) break;
      heapDist[base + pos] = heapDist[base + child]!;
      heapIdx[base + pos] = heapIdx[base + child]!;
      pos = child;
    }
    heapDist[base + pos] = dist;
    heapIdx[base + pos] = j;
  };
  for (let i = 0; i < n; i++) {
    if (i % 256 === 0) {
      throwIfAborted(options.signal);
      options.onProgress?.(i, n);
    }
    const oi = i * d;
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = x[oi + t]! - x[oj + t]!;
        s += diff * diff;
      }
      push(i, j, s);
      push(j, i, s);
    }
  }
  options.onProgress?.(n, n);
  // sort each heap ascending
  const order = new Int32Array(k);
  const indices = new Int32Array(n * k);
  const squaredDistances = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    for (let a = 0; a < k; a++) order[a] = a;
    const sorted = Array.from(order).sort((a, b) => heapDist[base + a]! - heapDist[base + b]! || heapIdx[base + a]! - heapIdx[base + b]!);
    for (let a = 0; a < k; a++) {
      indices[base + a] = heapIdx[base + sorted[a]!]!;
      squaredDistances[base + a] = heapDist[base + sorted[a]!]!;
    }
  }
  return { k, indices, squaredDistances };
}

/** Is candidate (da, ia) worse than (db, ib)? Empty slots (index −1, distance ∞) are worst. */
function worse(da: number, ia: number, db: number, ib: number): boolean {
  if (da !== db) return da > db;
  if (ia < 0) return true;
  if (ib < 0) return false;
  return ia > ib;
}
