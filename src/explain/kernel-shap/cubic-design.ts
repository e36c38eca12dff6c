import type { PairPlan } from './pair-sampler.js';

/** Three-way terms may involve at most this many distinct players (their moment table has 2^k entries). */
export const MAX_MOMENT_PLAYERS = 16;

/**
 * Chosen three-way terms χ_T(s) = Π_{i∈T} sᵢ (sᵢ = ±1) and their values on the pairs of a plan.
 *
 * The Gram entries among them need no pass over the pairs per entry: Σ_q w_q χ_T χ_T' = Σ_q w_q χ_{T△T'}, and
 * every weighted character sum over subsets of the k players involved is one Walsh–Hadamard transform of
 * the pairs' weighted histogram over those players' 2^k patterns (k·2^k operations, whatever the number of
 * pairs).
 */
export interface CubicDesign {
  readonly nTriples: number;
  /** Global player indices, 3 per triple. */
  readonly triples: Int32Array;
  /** Position of each player among those the triples involve, or −1. */
  readonly local: Int32Array;
  /** Row-major nPairs × nTriples values of χ_T (±1). */
  readonly chi: Int8Array;
  /** Adds Σ w χ_T χ_T' and Σ w sᵢ χ_T (i involved) into the upper triangle of the p × p Gram matrix. */
  fillMoments(gram: Float64Array, p: number, m: number, w: Float64Array): void;
}

export function cubicDesign(plan: PairPlan, nPairs: number, triples: Int32Array): CubicDesign {
  const m = plan.m;
  const local = new Int32Array(m).fill(-1);
  const involved: number[] = [];
  for (const player of triples) if (local[player]! < 0) local[player] = involved.push(player) - 1;
  const k = involved.length;
  if (k > MAX_MOMENT_PLAYERS) throw new RangeError(`three-way terms over at most ${MAX_MOMENT_PLAYERS} players (got ${k})`);
  const nTriples = triples.length / 3;
  const masks = Int32Array.from({ length: nTriples }, (_, t) => (1 << local[triples[3 * t]!]!) | (1 << local[triples[3 * t + 1]!]!) | (1 << local[triples[3 * t + 2]!]!));
  const bits = new Int32Array(nPairs);
  for (let q = 0; q < nPairs; q++) for (let j = 0; j < k; j++) if (plan.sides[q * m + involved[j]!] === 1) bits[q]! |= 1 << j;
  const chi = new Int8Array(nPairs * nTriples);
  for (let q = 0; q < nPairs; q++) for (let t = 0; t < nTriples; t++) chi[q * nTriples + t] = oddParity(masks[t]! & bits[q]!) ? 1 : -1;
  return {
    nTriples,
    triples,
    local,
    chi,
    fillMoments(gram, p, mm, w) {
      const moment = walshHadamard(histogram(bits, w, k));
      for (let t = 0; t < nTriples; t++) {
        for (let u = t; u < nTriples; u++) gram[(mm + t) * p + mm + u]! += moment[masks[t]! ^ masks[u]!]!;
        for (let j = 0; j < k; j++) gram[involved[j]! * p + mm + t]! += moment[(1 << j) ^ masks[t]!]!;
      }
    },
  };
}

function histogram(bits: Int32Array, w: Float64Array, k: number): Float64Array {
  const h = new Float64Array(1 << k);
  for (let q = 0; q < bits.length; q++) h[bits[q]!]! += w[q]!;
  return h;
}

/**
 * In-place Walsh–Hadamard transform: h[U] ← Σ_b h[b]·(−1)^{|U∩b|}. For |U| even this is Σ w χ_U with
 * χ_U = Π_{i∈U} sᵢ and sᵢ = +1 when bit i is set, −1 otherwise.
 */
export function walshHadamard(h: Float64Array): Float64Array {
  for (let len = 1; len < h.length; len <<= 1) {
    for (let i = 0; i < h.length; i += len << 1) {
      for (let j = i; j < i + len; j++) {
        const a = h[j]!;
        const b = h[j + len]!;
        h[j] = a + b;
        h[j + len] = a - b;
      }
    }
  }
  return h;
}

/** 1 when x has an even number of set bits (so χ of a three-way term is −(−1)^{|T∩S|}). */
export function oddParity(x: number): boolean {
  let v = x;
  v ^= v >>> 16;
  v ^= v >>> 8;
  v ^= v >>> 4;
  v ^= v >>> 2;
  v ^= v >>> 1;
  return (v & 1) === 1;
}
