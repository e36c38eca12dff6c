import { drawTruncatedNormal, truncatedNormalTables } from '../../math/truncated-normal.js';
import type { TruncatedNormalTables } from '../../math/truncated-normal.js';
import { UniformBlock } from '../../math/uniform-block.js';
import { Rng } from '../../rng.js';
import { searchLeft } from './tabular-stats.js';
import type { TabularStats } from './tabular-stats.js';

/** Entries of each feature's guide table (Chen & Asau 1974): O(1) expected search of the cumulative table. */
const GUIDE = 64;

/**
 * lime's sampling distribution of one discretized training matrix, flattened into typed arrays so one
 * column of draws is a tight loop: per feature its distinct sampling values (category code or quartile
 * bin) with their training frequencies as cumulative bounds and a guide table, and per value how the raw
 * value is produced (the value itself; a one-value bin; a normal truncated to the bin).
 */
export interface SamplingPlan {
  readonly nFeatures: number;
  /** Feature j's values are entries start[j] .. start[j+1]−1 of the per-value arrays. */
  readonly start: Int32Array;
  readonly value: Float64Array;
  /** Cumulative frequency below / up to each value; the last value of a feature has high = +∞. */
  readonly cumLow: Float64Array;
  readonly cumHigh: Float64Array;
  /** 1 / frequency of each value: maps u ∈ [low, high) to the uniform position inside the value. */
  readonly invProb: Float64Array;
  /** GUIDE entries per feature: the first value index whose cumHigh exceeds g / GUIDE. */
  readonly guide: Int32Array;
  /**
   * The raw value of each value: the value itself (category code), a one-value bin's value, or for a bin
   * sampled by its truncated normal the bin mean, to which std × the table's standard draw is added.
   */
  readonly base: Float64Array;
  readonly std: Float64Array;
  /** Per value: the index of its truncated-normal table, −1 when the raw value is just `base`. */
  readonly table: Int32Array;
  readonly tables: TruncatedNormalTables;
  /** Scratch: per value, the mask bit it sets for the column being drawn. */
  readonly sameBit: Int32Array;
}

/** Builds the plan of a discretized `stats` (every feature sampled from its training frequencies). */
export function samplingPlan(stats: TabularStats, limeDegenerate: boolean): SamplingPlan {
  const f = stats.nFeatures;
  const start = new Int32Array(f + 1);
  for (let j = 0; j < f; j++) start[j + 1] = start[j]! + stats.values[j]!.length;
  const total = start[f]!;
  const plan = {
    nFeatures: f,
    start,
    value: new Float64Array(total),
    cumLow: new Float64Array(total),
    cumHigh: new Float64Array(total),
    invProb: new Float64Array(total),
    guide: new Int32Array(f * GUIDE),
    base: new Float64Array(total),
    std: new Float64Array(total),
    table: new Int32Array(total).fill(-1),
    sameBit: new Int32Array(total),
  };
  const bounds: [number, number][] = [];
  for (let j = 0; j < f; j++) planFeature(plan, stats, j, limeDegenerate, bounds);
  return { ...plan, tables: truncatedNormalTables(bounds) };
}

type Draft = Omit<SamplingPlan, 'tables'>;

function planFeature(plan: Draft, stats: TabularStats, j: number, limeDegenerate: boolean, bounds: [number, number][]): void {
  const values = stats.values[j]!;
  const cum = stats.cumFreq[j]!;
  const s = plan.start[j]!;
  const last = values.length - 1;
  for (let k = 0; k <= last; k++) {
    const e = s + k;
    const low = k === 0 ? 0 : cum[k - 1]!;
    const high = k === last ? 1 : cum[k]!;
    plan.value[e] = values[k]!;
    plan.base[e] = values[k]!;
    plan.cumLow[e] = low;
    plan.cumHigh[e] = k === last ? Infinity : high;
    plan.invProb[e] = high > low ? 1 / (high - low) : 0;
    if (stats.borders[j]) planBin(plan, stats, j, values[k]!, e, limeDegenerate, bounds);
  }
  for (let g = 0; g < GUIDE; g++) {
    let k = s;
    while (plan.cumHigh[k]! <= g / GUIDE) k++;
    plan.guide[j * GUIDE + g] = k;
  }
}

function planBin(plan: Draft, stats: TabularStats, j: number, b: number, e: number, limeDegenerate: boolean, bounds: [number, number][]): void {
  const lo = stats.binMin[j]![b]!;
  const hi = stats.binMax[j]![b]!;
  const mean = stats.binMean[j]![b]!;
  const std = stats.binStd[j]![b]!;
  const a = (lo - mean) / std;
  const z = (hi - mean) / std;
  if (lo === hi || !(z > a)) {
    // lime 0.2 returns the z-score (min − mean)/std instead of a value for a bin with min = max.
    plan.base[e] = limeDegenerate ? a : lo;
  } else {
    plan.base[e] = mean;
    plan.std[e] = std;
    plan.table[e] = bounds.length;
    bounds.push([a, z]);
  }
}

/** Fixed number of chunks a row's samples are cut into; each chunk has its own random stream. */
export const SAMPLE_CHUNKS = 8;

/** Samples [from, to) of chunk c of n: rows 1 .. n−1 cut into SAMPLE_CHUNKS near-equal runs (row 0 is x). */
export function chunkRange(n: number, c: number): [number, number] {
  return [1 + Math.floor((c * (n - 1)) / SAMPLE_CHUNKS), 1 + Math.floor(((c + 1) * (n - 1)) / SAMPLE_CHUNKS)];
}

/** Per feature, the plan index of x's value (its category or quartile bin), −1 when training never had it. */
export function explainedValues(plan: SamplingPlan, stats: TabularStats, x: Float64Array, out: Int32Array = new Int32Array(plan.nFeatures)): Int32Array {
  for (let j = 0; j < plan.nFeatures; j++) {
    const borders = stats.borders[j];
    const x0 = borders ? searchLeft(borders, x[j]!) : x[j]!;
    out[j] = -1;
    for (let e = plan.start[j]!; e < plan.start[j + 1]!; e++) if (plan.value[e] === x0) out[j] = e;
  }
  return out;
}

/** Row 0 of the sample: x itself, with an all-ones interpretable row. */
export function writeExplainedRow(x: Float64Array, raw: Float64Array, masks: Int32Array, words: number): void {
  const f = x.length;
  raw.set(x, 0);
  for (let w = 0; w < words; w++) masks[w] = w === words - 1 && f % 32 !== 0 ? (1 << f % 32) - 1 : -1;
}

/** Uniform streams of one sampling thread, reseeded for every chunk. */
export interface ChunkStreams {
  readonly uniforms: UniformBlock;
  readonly extra: UniformBlock;
}

/**
 * lime's `__data_inverse` with a discretizer, for chunk c of the n samples around x: writes the raw rows
 * the model sees into `raw` (n × F) and the binary interpretable rows as bit masks into `masks` (n ×
 * words, bit j of a row set when its value of feature j is x's category or bin). The chunk's streams are
 * seeded from (seed, c) only, so a chunk's rows are the same whichever thread draws it and whichever
 * row of a batch x is.
 *
 * Each draw takes one 53-bit uniform u. The value (category or bin) is the k with cumLow[k] ≤ u <
 * cumHigh[k] — P(k) is its training frequency, as np.random.choice. Given k, u is uniform on that
 * interval, so v = (u − cumLow[k]) / P(k) is a fresh uniform on [0, 1) independent of k. The value in
 * bin k is a draw of the normal(bin mean, bin std) truncated to [bin min, bin max] (lime's
 * scipy.stats.truncnorm), made from v by math/truncated-normal.ts (equal-probability strips, exact
 * rejection inside a strip, inverse CDF in the two outer strips), taking any further uniforms from the
 * chunk's second stream. The distribution is exactly lime's (up to the 2⁻⁵³ grid of the uniforms); only
 * the order in which random numbers are used differs.
 */
export function sampleChunk(plan: SamplingPlan, x0k: Int32Array, seed: number, c: number, n: number, raw: Float64Array, masks: Int32Array, words: number, streams: ChunkStreams): void {
  const [from, to] = chunkRange(n, c);
  if (to <= from) return;
  const rng = new Rng(seed);
  for (let k = 0; k < 8 * c; k++) rng.nextUint32();
  streams.uniforms.reseed(rng);
  streams.extra.reseed(rng);
  masks.fill(0, from * words, to * words);
  for (let j = 0; j < plan.nFeatures; j++) sampleColumn(plan, j, x0k[j]!, streams.uniforms.fill(to - from), streams.extra, from, to, raw, masks, words);
}

/** All chunks of one row on this thread, and row 0 (see sampleChunk). */
export function sampleRow(plan: SamplingPlan, x0k: Int32Array, x: Float64Array, seed: number, n: number, raw: Float64Array, masks: Int32Array, words: number, streams: ChunkStreams): void {
  writeExplainedRow(x, raw, masks, words);
  for (let c = 0; c < SAMPLE_CHUNKS; c++) sampleChunk(plan, x0k, seed, c, n, raw, masks, words, streams);
}

export function chunkStreams(n: number): ChunkStreams {
  return { uniforms: new UniformBlock(Math.ceil(n / SAMPLE_CHUNKS) + 1), extra: new UniformBlock(1024) };
}

/** One feature's column of draws for samples [from, to) (see sampleChunk). Hot loops: locals and typed arrays, few unpredictable branches. */
function sampleColumn(plan: SamplingPlan, j: number, x0k: number, us: Float64Array, extra: UniformBlock, from: number, to: number, raw: Float64Array, masks: Int32Array, words: number): void {
  const f = plan.nFeatures;
  const { cumLow, cumHigh, invProb, guide, base, std, table, tables, sameBit } = plan;
  const g0 = j * GUIDE;
  const word = j >>> 5;
  const bit = 1 << (j & 31);
  let normal = false;
  for (let e = plan.start[j]!; e < plan.start[j + 1]!; e++) {
    sameBit[e] = e === x0k ? bit : 0;
    if (table[e]! >= 0) normal = true;
  }
  if (!normal) {
    for (let i = from; i < to; i++) {
      const u = us[i - from]!;
      let k = guide[g0 + ((u * GUIDE) | 0)]!;
      while (u >= cumHigh[k]!) k++;
      masks[i * words + word]! |= sameBit[k]!;
      raw[i * f + j] = base[k]!;
    }
    return;
  }
  for (let i = from; i < to; i++) {
    const u = us[i - from]!;
    let k = guide[g0 + ((u * GUIDE) | 0)]!;
    while (u >= cumHigh[k]!) k++;
    masks[i * words + word]! |= sameBit[k]!;
    const t = table[k]!;
    raw[i * f + j] = t < 0 ? base[k]! : base[k]! + std[k]! * drawTruncatedNormal(tables, t, (u - cumLow[k]!) * invProb[k]!, extra);
  }
}
