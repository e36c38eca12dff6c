import type { NeighborGraph } from './neighbors.js';

export interface ConditionalProbabilities {
  /** n × k conditional probabilities p_{j|i} over each point's neighbours (rows sum to 1). */
  readonly p: Float64Array;
  /** Precision β_i = 1 / (2σ_i²) found for each point. */
  readonly beta: Float64Array;
  /** Entropy (nats) of each row, which the search drives to log(perplexity). */
  readonly entropy: Float64Array;
}

/**
 * Gaussian conditional probabilities p_{j|i} ∝ exp(−β_i ‖x_i − x_j‖²) over each point's k nearest neighbours,
 * with β_i found by binary search so that the row's Shannon entropy is log(perplexity) (van der Maaten &
 * Hinton 2008; steps, tolerance and bracketing as scikit-learn's `_binary_search_perplexity`).
 */
export function conditionalProbabilities(graph: NeighborGraph, n: number, perplexity: number, steps = 100, tolerance = 1e-5): ConditionalProbabilities {
  const { k, squaredDistances } = graph;
  const p = new Float64Array(n * k);
  const beta = new Float64Array(n);
  const entropy = new Float64Array(n);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let b = 1;
    let lo = -Infinity;
    let hi = Infinity;
    let h = 0;
    for (let step = 0; step < steps; step++) {
      let sum = 0;
      for (let a = 0; a < k; a++) {
        const v = Math.exp(-squaredDistances[base + a]! * b);
        p[base + a] = v;
        sum += v;
      }
      if (sum === 0) sum = 1e-8;
      let weighted = 0;
      for (let a = 0; a < k; a++) {
        p[base + a]! /= sum;
        weighted += squaredDistances[base + a]! * p[base + a]!;
      }
      h = Math.log(sum) + b * weighted;
      const diff = h - target;
      if (Math.abs(diff) <= tolerance) break;
      if (diff > 0) {
        lo = b;
        b = hi === Infinity ? b * 2 : (b + hi) / 2;
      } else {
        hi = b;
        b = lo === -Infinity ? b / 2 : (b + lo) / 2;
      }
    }
    beta[i] = b;
    entropy[i] = h;
  }
  return { p, beta, entropy };
}

/** Sparse symmetric joint probabilities in CSR form. */
export interface JointProbabilities {
  readonly rowStart: Int32Array;
  readonly columns: Int32Array;
  readonly values: Float64Array;
}

/** P = (P_cond + P_condᵀ) / Σ, as scikit-learn's `_joint_probabilities_nn`; columns sorted within each row. */
export function jointProbabilities(graph: NeighborGraph, n: number, conditional: Float64Array): JointProbabilities {
  const { k, indices } = graph;
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) {
    counts[i + 1]!++;
    counts[indices[i * k + a]! + 1]!++;
  }
  for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
  const fill = Int32Array.from(counts.subarray(0, n));
  const cols = new Int32Array(counts[n]!);
  const vals = new Float64Array(counts[n]!);
  for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) {
    const j = indices[i * k + a]!;
    const v = conditional[i * k + a]!;
    cols[fill[i]!] = j;
    vals[fill[i]!++] = v;
    cols[fill[j]!] = i;
    vals[fill[j]!++] = v;
  }
  // sort each row by column and merge duplicates
  const rowStart = new Int32Array(n + 1);
  const columns = new Int32Array(cols.length);
  const values = new Float64Array(cols.length);
  let out = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    rowStart[i] = out;
    const from = counts[i]!;
    const to = counts[i + 1]!;
    const order = Array.from({ length: to - from }, (_, t) => from + t).sort((a, b) => cols[a]! - cols[b]!);
    for (const t of order) {
      if (out > rowStart[i]! && columns[out - 1] === cols[t]) values[out - 1]! += vals[t]!;
      else {
        columns[out] = cols[t]!;
        values[out++] = vals[t]!;
      }
      total += vals[t]!;
    }
  }
  rowStart[n] = out;
  const scale = 1 / Math.max(total, Number.EPSILON);
  const v = values.slice(0, out);
  for (let t = 0; t < out; t++) v[t]! *= scale;
  return { rowStart, columns: columns.slice(0, out), values: v };
}
