/** Bits per chunk: a row's mask is cut into chunks of 5 bits, 32 patterns each. */
const BITS = 5;
const PATTERNS = 1 << BITS;

/** Per-pattern weight sums of binaryMoments' chunked path (d ≤ 32), reused across rows. */
export interface ChunkTables {
  readonly d: number;
  readonly chunks: number;
  /** Per chunk c at c · 32: Σw and Σwy over rows whose chunk-c bits are pattern p. */
  readonly diag: Float64Array;
  readonly diagY: Float64Array;
  /** Per chunk pair c1 < c2 (in order) at pair · 1024: Σw over rows with patterns (p1, p2). */
  readonly cross: Float64Array;
  readonly patterns: Int32Array;
  /** Scratch of the expansion: per pattern of c1, Σ over patterns of c2 holding bit b. */
  readonly partial: Float64Array;
}

export function chunkTables(d: number): ChunkTables {
  const chunks = Math.ceil(d / BITS);
  const pairs = (chunks * (chunks - 1)) / 2;
  return {
    d,
    chunks,
    diag: new Float64Array(chunks * PATTERNS),
    diagY: new Float64Array(chunks * PATTERNS),
    cross: new Float64Array(pairs * PATTERNS * PATTERNS),
    patterns: new Int32Array(chunks),
    partial: new Float64Array(PATTERNS * BITS),
  };
}

/**
 * binaryMoments for d ≤ 32 (one mask word per row). Instead of visiting every pair of a row's set bits
 * (≈ popcount²/2 updates), each row adds its weight to one cell per chunk and per chunk pair, indexed by
 * its 5-bit patterns (for d = 20: 4 + 6 cells, plus 4 for Σwy). The sums over rows are then expanded
 * once: Σw x_a x_b is the sum of the cells whose patterns hold bits a and b. The result is the same sum,
 * in a different order (equal up to float rounding).
 */
export function chunkedMoments(masks: Int32Array, d: number, n: number, y: Float64Array, stride: number, offset: number, weightOf: Float64Array, weights: Float64Array, sx: Float64Array, sxy: Float64Array, sxx: Float64Array, t: ChunkTables, sums: Float64Array): void {
  t.diag.fill(0);
  t.diagY.fill(0);
  t.cross.fill(0);
  accumulate(masks, d, n, y, stride, offset, weightOf, weights, t.chunks, t.diag, t.diagY, t.cross, t.patterns, sums);
  expandDiagonal(t, sx, sxy, sxx);
  let pair = 0;
  for (let c1 = 0; c1 < t.chunks; c1++) for (let c2 = c1 + 1; c2 < t.chunks; c2++) expandCross(t, pair++, c1, c2, sxx);
}

function accumulate(masks: Int32Array, d: number, n: number, y: Float64Array, stride: number, offset: number, weightOf: Float64Array, weights: Float64Array, chunks: number, diag: Float64Array, diagY: Float64Array, cross: Float64Array, pat: Int32Array, sums: Float64Array): void {
  let sw = 0;
  let sy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const m = masks[i]!;
    let x = m - ((m >>> 1) & 0x55555555);
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    const count = (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
    const wi = weightOf[d - count]!;
    weights[i] = wi;
    const yi = y[i * stride + offset]!;
    const wy = wi * yi;
    sw += wi;
    sy += wy;
    syy += wy * yi;
    for (let c = 0; c < chunks; c++) {
      const p = (m >>> (BITS * c)) & (PATTERNS - 1);
      pat[c] = p;
      diag[c * PATTERNS + p]! += wi;
      diagY[c * PATTERNS + p]! += wy;
    }
    let cell = 0;
    for (let c1 = 0; c1 < chunks; c1++) {
      const row = cell + pat[c1]! * PATTERNS;
      for (let c2 = c1 + 1; c2 < chunks; c2++) {
        cross[row + (c2 - c1 - 1) * PATTERNS * PATTERNS + pat[c2]!]! += wi;
      }
      cell += (chunks - c1 - 1) * PATTERNS * PATTERNS;
    }
  }
  sums[0] = sw;
  sums[1] = sy;
  sums[2] = syy;
}

/** Σw x_a, Σw x_a y and Σw x_a x_b for a, b in the same chunk (upper triangle, a ≤ b). */
function expandDiagonal(t: ChunkTables, sx: Float64Array, sxy: Float64Array, sxx: Float64Array): void {
  const d = t.d;
  for (let c = 0; c < t.chunks; c++) {
    for (let p = 1; p < PATTERNS; p++) {
      const w = t.diag[c * PATTERNS + p]!;
      const wy = t.diagY[c * PATTERNS + p]!;
      if (w === 0 && wy === 0) continue;
      for (let a = 0; a < BITS; a++) {
        if (!((p >>> a) & 1)) continue;
        const ga = c * BITS + a;
        sx[ga]! += w;
        sxy[ga]! += wy;
        for (let b = a; b < BITS; b++) if ((p >>> b) & 1) sxx[ga * d + c * BITS + b]! += w;
      }
    }
  }
}

/** Σw x_a x_b for a in chunk c1, b in chunk c2 > c1 (upper triangle). */
function expandCross(t: ChunkTables, pair: number, c1: number, c2: number, sxx: Float64Array): void {
  const d = t.d;
  const partial = t.partial;
  partial.fill(0);
  const base = pair * PATTERNS * PATTERNS;
  for (let p1 = 0; p1 < PATTERNS; p1++) {
    for (let p2 = 1; p2 < PATTERNS; p2++) {
      const w = t.cross[base + p1 * PATTERNS + p2]!;
      if (w === 0) continue;
      for (let b = 0; b < BITS; b++) if ((p2 >>> b) & 1) partial[p1 * BITS + b]! += w;
    }
  }
  for (let p1 = 1; p1 < PATTERNS; p1++) {
    for (let a = 0; a < BITS; a++) {
      if (!((p1 >>> a) & 1)) continue;
      const r = (c1 * BITS + a) * d + c2 * BITS;
      for (let b = 0; b < BITS && c2 * BITS + b < d; b++) sxx[r + b]! += partial[p1 * BITS + b]!;
    }
  }
}
