import type { Rng } from '../rng.js';

/**
 * Uniform doubles in [0, 1) with 53 random bits, produced a block at a time by a xoshiro128** generator
 * (Blackman & Vigna 2021, the generator of src/rng.ts) whose state lives in local variables while a
 * block is filled: several times faster than one Rng method call per number in hot sampling loops.
 * The state is seeded from `rng`, so the same seed gives the same blocks.
 */
export class UniformBlock {
  readonly values: Float64Array;
  private readonly state = new Int32Array(4);
  /** Read position of next(); the block is refilled when it reaches the end. */
  private pos: number;

  /** A block of `size` values; seed it with reseed() before the first fill. */
  constructor(size: number, rng?: Rng) {
    this.values = new Float64Array(size);
    this.pos = size;
    if (rng) this.reseed(rng);
    else this.state[0] = 1;
  }

  /** Restarts the stream from `rng` (4 draws of it), reusing the buffer. */
  reseed(rng: Rng): this {
    const s = this.state;
    for (let i = 0; i < 4; i++) s[i] = rng.nextUint32() | 0;
    if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
    this.pos = this.values.length;
    return this;
  }

  /** The next uniform of the stream (refilling the whole block when it is used up). */
  next(): number {
    if (this.pos >= this.values.length) {
      this.fill();
      this.pos = 0;
    }
    return this.values[this.pos++]!;
  }

  /** Overwrites values[0 .. count) with fresh uniforms and returns the buffer (do not mix with next() on one block). */
  fill(count = this.values.length): Float64Array {
    const out = this.values;
    const st = this.state;
    let s0 = st[0]!;
    let s1 = st[1]!;
    let s2 = st[2]!;
    let s3 = st[3]!;
    for (let i = 0; i < count; i++) {
      // two xoshiro128** outputs: high 27 and low 26 bits of a 53-bit integer
      let m = Math.imul(s1, 5);
      const hi = Math.imul((m << 7) | (m >>> 25), 9) >>> 5;
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      m = Math.imul(s1, 5);
      const lo = Math.imul((m << 7) | (m >>> 25), 9) >>> 6;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = (hi * 67108864 + lo) * 1.1102230246251565e-16;
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
    return out;
  }
}
