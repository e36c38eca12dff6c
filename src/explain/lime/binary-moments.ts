import type { WeightedMoments } from '../linear/moments.js';
import { chunkedMoments, chunkTables } from './chunked-moments.js';
import type { ChunkTables } from './chunked-moments.js';

/** Reused accumulators of binaryMoments (one set per explanation call, not per row). */
export interface MomentBuffers {
  readonly sx: Float64Array;
  readonly sxy: Float64Array;
  readonly sxx: Float64Array;
  readonly bits: Int32Array;
  /** Σw, Σwy, Σwy². */
  readonly sums: Float64Array;
  readonly chunks: ChunkTables;
}

export function momentBuffers(d: number): MomentBuffers {
  return { sx: new Float64Array(d), sxy: new Float64Array(d), sxx: new Float64Array(d * d), bits: new Int32Array(d), sums: new Float64Array(3), chunks: chunkTables(Math.min(d, 32)) };
}

/**
 * LIME's weighted moments (see linear/moments.ts) for binary interpretable rows stored as bit masks
 * (n × words Int32, row 0 = the explained row, all ones). A row's distance to row 0 only depends on how
 * many bits differ, so its kernel weight is `weightOf[d − popcount]`, and only its set bits contribute:
 * Σw x_a = Σ over rows with bit a of w, Σw x_a x_b over rows with both bits. `y` is read with `stride`
 * from `offset` (the model's target column). Writes the kernel weight of each row into `weights`.
 */
export function binaryMoments(masks: Int32Array, words: number, d: number, n: number, y: Float64Array, stride: number, offset: number, weightOf: Float64Array, weights: Float64Array, buf: MomentBuffers): WeightedMoments {
  const { sx, sxy, sxx } = buf;
  sx.fill(0);
  sxy.fill(0);
  sxx.fill(0);
  const sums = buf.sums;
  if (words === 1) chunkedMoments(masks, d, n, y, stride, offset, weightOf, weights, sx, sxy, sxx, buf.chunks, sums);
  else accumulate(masks, words, d, n, y, stride, offset, weightOf, weights, sx, sxy, sxx, buf.bits, sums);
  mirror(sxx, d);
  return { d, sw: sums[0]!, sy: sums[1]!, syy: sums[2]!, sx, sxy, sxx };
}

/** binaryMoments for any d (several mask words per row). */
function accumulate(masks: Int32Array, words: number, d: number, n: number, y: Float64Array, stride: number, offset: number, weightOf: Float64Array, weights: Float64Array, sx: Float64Array, sxy: Float64Array, sxx: Float64Array, bits: Int32Array, sums: Float64Array): void {
  let sw = 0;
  let sy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let w = 0; w < words; w++) {
      let m = masks[i * words + w]!;
      while (m !== 0) {
        bits[count++] = 32 * w + 31 - Math.clz32(m & -m);
        m &= m - 1;
      }
    }
    const wi = weightOf[d - count]!;
    weights[i] = wi;
    const yi = y[i * stride + offset]!;
    const wy = wi * yi;
    sw += wi;
    sy += wy;
    syy += wy * yi;
    for (let p = 0; p < count; p++) {
      const a = bits[p]!;
      sx[a]! += wi;
      sxy[a]! += wy;
      const r = a * d;
      for (let q = p; q < count; q++) sxx[r + bits[q]!]! += wi;
    }
  }
  sums[0] = sw;
  sums[1] = sy;
  sums[2] = syy;
}

/** Copies the upper triangle of a d × d matrix into the lower one. */
function mirror(sxx: Float64Array, d: number): void {
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) sxx[a * d + b] = sxx[b * d + a]!;
}

/** The dense 0/1 interpretable matrix (n × d) of the masks, for methods that need the rows (lasso path). */
export function denseFromMasks(masks: Int32Array, words: number, d: number, n: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) if ((masks[i * words + (j >>> 5)]! >>> (j & 31)) & 1) out[i * d + j] = 1;
  return out;
}
