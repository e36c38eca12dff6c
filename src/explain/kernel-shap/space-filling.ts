import { popcount } from '../../math/popcount.js';
import { binomial } from '../exact-shapley.js';

/**
 * The three-way potential of a set of pairs: Σ over chosen pairs p of ρ₃(p, c)² for a candidate c, where
 * ρ₃ is the correlation of the two pairs under the three-way kernel Σ_{|T|=3} χ_T(s_p)χ_T(s_c) / C(M, 3).
 * It depends only on the number d of players in which the sides differ — ρ₃ = K₃(d)/C(M, 3), K₃ the
 * Krawtchouk polynomial — and is the same for a side and its complement (u is odd), so each entry is a
 * popcount and a lookup.
 *
 * Choosing, among a few random candidates, the one of least potential spreads the drawn pairs so that
 * their three-way features are close to orthogonal: the kernel-ridge surrogate and the regression on its
 * residual then see more independent information per model evaluation (a greedy space-filling design in
 * the sense of the minimum-energy designs of Joseph, Dasgupta, Tuo & Wu, "Sequential exploration of
 * complex surfaces using minimum energy designs", Technometrics 2015, with the kernel as the energy).
 */
export class ThreeWayPotential {
  private readonly words: number;
  private masks: Int32Array;
  private count = 0;
  private readonly energy: Float64Array;

  constructor(private readonly m: number, capacity: number) {
    this.words = Math.ceil(m / 32);
    this.masks = new Int32Array(Math.max(capacity, 1) * this.words);
    const norm = binomial(m, 3);
    this.energy = Float64Array.from({ length: m + 1 }, (_, d) => {
      let k3 = 0;
      for (let j = 0; j <= 3; j++) k3 += (j % 2 === 0 ? 1 : -1) * binomial(d, j) * binomial(m - d, 3 - j);
      return norm > 0 ? (k3 / norm) ** 2 : 0;
    });
  }

  /** Number of sides chosen so far. */
  get size(): number {
    return this.count;
  }

  /** Adds a side (0/1 per player) to the chosen set. */
  add(side: ArrayLike<number>): void {
    if ((this.count + 1) * this.words > this.masks.length) {
      const grown = new Int32Array(this.masks.length * 2);
      grown.set(this.masks);
      this.masks = grown;
    }
    this.pack(side, this.masks, this.count * this.words);
    this.count++;
  }

  /** Σ over the chosen sides of ρ₃(chosen, side)². */
  score(side: ArrayLike<number>, scratch: Int32Array = new Int32Array(this.words)): number {
    this.pack(side, scratch, 0);
    const { words, masks, energy } = this;
    let total = 0;
    if (words === 1) {
      const c = scratch[0]!;
      for (let p = 0; p < this.count; p++) total += energy[popcount(masks[p]! ^ c)]!;
      return total;
    }
    for (let p = 0; p < this.count; p++) {
      let d = 0;
      for (let w = 0; w < words; w++) d += popcount(masks[p * words + w]! ^ scratch[w]!);
      total += energy[d]!;
    }
    return total;
  }

  private pack(side: ArrayLike<number>, out: Int32Array, at: number): void {
    out.fill(0, at, at + this.words);
    for (let i = 0; i < this.m; i++) if (side[i] === 1) out[at + (i >>> 5)]! |= 1 << (i & 31);
  }
}
