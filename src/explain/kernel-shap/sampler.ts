import type { Rng } from '../../rng.js';
import { binomial } from '../exact-shapley.js';

/**
 * The coalitions KernelSHAP evaluates, following shap 0.44 `KernelExplainer.explain`:
 * Shapley-kernel weights per coalition size; sizes whose (paired) coalitions fit in the remaining
 * budget are enumerated completely, from the outside in, with their exact weights; the remaining
 * budget is drawn at random (a size by its remaining kernel weight, then a uniform subset of that size,
 * then its complement), duplicates only increase the count of the earlier draw.
 */
export interface CoalitionPlan {
  readonly m: number;
  /** Row-major nSamples × m, 1 = player present (takes x's value). */
  readonly masks: Uint8Array;
  readonly nSamples: number;
  /** Exact weights of the enumerated samples [0, nFixed). */
  readonly fixedWeights: Float64Array;
  readonly nFixed: number;
  /** Total kernel weight left for the random samples (sum of weight_vector beyond the full sizes). */
  readonly weightLeft: number;
  /** For each random draw: the sample index it counted (first entry of a pair) — in draw order. */
  readonly drawSample: Int32Array;
  /** For each random draw: 1 when the draw also counted its complement (sample index + 1). */
  readonly drawPaired: Uint8Array;
  /** Kernel mass per coalition size 1..ceil((m−1)/2) (paired sizes counted twice), summing to 1. */
  readonly sizeWeights: Float64Array;
  /** Sizes 1..numFull are enumerated completely. */
  readonly numFull: number;
  /** nsamples / (2^m − 2): the fraction of the coalition space the budget covers. */
  readonly fractionEvaluated: number;
}

export function autoSamples(m: number): number {
  return 2 * m + 2048;
}

/** Budget after shap's cap at 2^m − 2 (every non-trivial coalition). */
export function cappedSamples(m: number, samples: number): number {
  return m <= 30 ? Math.min(samples, 2 ** m - 2) : samples;
}

export function planCoalitions(m: number, requested: number, rng: Rng): CoalitionPlan {
  const nsamples = cappedSamples(m, requested);
  const maxSamples = m <= 30 ? 2 ** m - 2 : 2 ** 30;
  const numSubsetSizes = Math.ceil((m - 1) / 2);
  const numPaired = Math.floor((m - 1) / 2);
  const weightVector = new Float64Array(numSubsetSizes);
  for (let i = 1; i <= numSubsetSizes; i++) weightVector[i - 1] = (m - 1) / (i * (m - i));
  for (let i = 0; i < numPaired; i++) weightVector[i]! *= 2;
  normalise(weightVector);
  const builder = new MaskBuilder(m, nsamples);
  const fixed: number[] = [];
  let numFull = 0;
  let left = nsamples;
  const remaining = Float64Array.from(weightVector);
  const mask = new Uint8Array(m);
  for (let size = 1; size <= numSubsetSizes; size++) {
    let nsubsets = binomial(m, size);
    if (size <= numPaired) nsubsets *= 2;
    if ((left * remaining[size - 1]!) / nsubsets < 1 - 1e-8) break;
    numFull++;
    left -= nsubsets;
    if (remaining[size - 1]! < 1) {
      const scale = 1 - remaining[size - 1]!;
      for (let i = 0; i < remaining.length; i++) remaining[i]! /= scale;
    }
    let w = weightVector[size - 1]! / binomial(m, size);
    if (size <= numPaired) w /= 2;
    forEachCombination(m, size, (inds) => {
      mask.fill(0);
      for (const i of inds) mask[i] = 1;
      builder.add(mask);
      fixed.push(w);
      if (size <= numPaired) {
        for (let i = 0; i < m; i++) mask[i] = 1 - mask[i]!;
        builder.add(mask);
        fixed.push(w);
      }
    });
  }
  const nFixed = builder.count;
  const draws = numFull === numSubsetSizes ? { sample: [] as number[], paired: [] as number[] } : drawRandom(m, nsamples - nFixed, numFull, numPaired, weightVector, builder, rng);
  let weightLeft = 0;
  for (let i = numFull; i < weightVector.length; i++) weightLeft += weightVector[i]!;
  return {
    m,
    masks: builder.masks.subarray(0, builder.count * m),
    nSamples: builder.count,
    fixedWeights: Float64Array.from(fixed),
    nFixed,
    weightLeft,
    drawSample: Int32Array.from(draws.sample),
    drawPaired: Uint8Array.from(draws.paired),
    fractionEvaluated: nsamples / maxSamples,
    sizeWeights: weightVector,
    numFull,
  };
}

function drawRandom(m: number, budget: number, numFull: number, numPaired: number, weightVector: Float64Array, builder: MaskBuilder, rng: Rng): { sample: number[]; paired: number[] } {
  const probs = Float64Array.from(weightVector);
  for (let i = 0; i < numPaired; i++) probs[i]! /= 2;
  const tail = normalise(probs.slice(numFull));
  const cdf = new Float64Array(tail.length);
  let acc = 0;
  for (let i = 0; i < tail.length; i++) cdf[i] = acc += tail[i]!;
  const sample: number[] = [];
  const paired: number[] = [];
  const seen = new Map<number | string, number>();
  const perm = new Int32Array(m);
  const mask = new Uint8Array(m);
  let left = budget;
  for (let draw = 0; draw < 4 * budget && left > 0; draw++) {
    const size = pick(cdf, rng.next()) + numFull + 1;
    for (let i = 0; i < m; i++) perm[i] = i;
    mask.fill(0);
    for (let i = 0; i < size; i++) {
      const j = i + rng.int(m - i);
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
      mask[perm[i]!] = 1;
    }
    const key = maskKey(mask);
    let index = seen.get(key);
    const isNew = index === undefined;
    if (index === undefined) {
      index = builder.add(mask);
      seen.set(key, index);
      left--;
    }
    let withComplement = 0;
    if (left > 0 && size <= numPaired) {
      if (isNew) {
        for (let i = 0; i < m; i++) mask[i] = 1 - mask[i]!;
        builder.add(mask);
        left--;
      }
      withComplement = 1;
    }
    sample.push(index);
    paired.push(withComplement && (isNew || builder.hasNext(index)) ? 1 : 0);
  }
  return { sample, paired };
}

/** Counts per random sample after the first `nDraws` draws (replaying the draw log). */
export function drawCounts(plan: CoalitionPlan, nDraws: number): Float64Array {
  const counts = new Float64Array(plan.nSamples);
  for (let d = 0; d < nDraws; d++) {
    const s = plan.drawSample[d]!;
    counts[s]! += 1;
    if (plan.drawPaired[d]) counts[s + 1]! += 1;
  }
  return counts;
}

function pick(cdf: Float64Array, u: number): number {
  for (let i = 0; i < cdf.length - 1; i++) if (u < cdf[i]!) return i;
  return cdf.length - 1;
}

function normalise(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x;
  for (let i = 0; i < v.length; i++) v[i]! /= s;
  return v;
}

function maskKey(mask: Uint8Array): number | string {
  if (mask.length <= 31) {
    let k = 0;
    for (let i = 0; i < mask.length; i++) k |= mask[i]! << i;
    return k;
  }
  return String.fromCharCode(...mask);
}

class MaskBuilder {
  masks: Uint8Array;
  count = 0;
  constructor(
    private readonly m: number,
    capacity: number,
  ) {
    this.masks = new Uint8Array(Math.max(1, capacity) * m);
  }
  add(mask: Uint8Array): number {
    if ((this.count + 1) * this.m > this.masks.length) {
      const grown = new Uint8Array(this.masks.length * 2);
      grown.set(this.masks);
      this.masks = grown;
    }
    this.masks.set(mask, this.count * this.m);
    return this.count++;
  }
  /** Whether sample index + 1 exists (the complement was added right after it). */
  hasNext(index: number): boolean {
    return index + 1 < this.count;
  }
}

/** Calls `fn` with every size-k subset of 0..m−1 in lexicographic order (itertools.combinations). */
export function forEachCombination(m: number, k: number, fn: (inds: Int32Array) => void): void {
  const inds = Int32Array.from({ length: k }, (_, i) => i);
  if (k > m) return;
  for (;;) {
    fn(inds);
    let i = k - 1;
    while (i >= 0 && inds[i] === m - k + i) i--;
    if (i < 0) return;
    inds[i]!++;
    for (let j = i + 1; j < k; j++) inds[j] = inds[j - 1]! + 1;
  }
}
