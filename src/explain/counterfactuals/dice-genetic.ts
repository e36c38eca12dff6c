import { z } from 'zod';
import type { RawMatrix } from '../../encode/encoder.js';
import { throwIfAborted } from '../../errors.js';
import type { Pipeline } from '../../model/pipeline.js';
import { Rng } from '../../rng.js';
import { parseOptions, seedSchema } from '../options.js';
import { argmaxRow, classLoss, desiredClass, reaches } from './desired-class.js';
import { changedFeatures, featureIndices, measureFeatureSpace, rowDistance, sameValue, type FeatureSpace } from './feature-space.js';
import { checkQuery, concat } from './nearest.js';
import type { Counterfactual, CounterfactualResult } from './types.js';

export const diceOptionsSchema = z
  .object({
    /** Counterfactuals to return (DiCE's total_CFs). */
    count: z.number().int().min(1).max(20).default(4),
    target: z.number().int().min(0).optional(),
    /** Features that must keep the query's values (e.g. age, gender). */
    immutable: z.array(z.string()).default([]),
    /** When given, only these features may change (the others are immutable). */
    mutable: z.array(z.string()).optional(),
    metric: z.enum(['l1', 'l2']).default('l1'),
    normalisation: z.enum(['range', 'mad']).default('mad'),
    populationSize: z.number().int().min(8).max(2000).default(100),
    generations: z.number().int().min(1).max(500).default(15),
    /** DiCE genetic's loss weights: proximity 0.2, sparsity 0.2; diversity 5 (here: the weight of spread when choosing the final set). */
    proximityWeight: z.number().min(0).default(0.2),
    sparsityWeight: z.number().min(0).default(0.2),
    diversityWeight: z.number().min(0).default(5),
    seed: seedSchema,
  })
  .strict();
export type DiceOptions = z.input<typeof diceOptionsSchema>;

export interface DiceInputs {
  /** Reference rows: the feasible ranges and categories, and the seeds of the first population. */
  readonly data: RawMatrix;
  /** The model's outputs on `data` when already computed (n × outputWidth). */
  readonly predictions?: Float32Array;
  readonly space?: FeatureSpace;
  readonly signal?: AbortSignal;
}

/**
 * Diverse counterfactuals in the manner of DiCE (Mothilal, Sharma & Tan 2020, "Explaining machine
 * learning classifiers through diverse counterfactual explanations"), with its model-agnostic genetic
 * search: the first population is the query with a few mutable features resampled plus the nearest
 * data rows of the desired class (immutable features reset to the query's), and each generation keeps
 * the fittest half by DiCE's loss — hinge loss on the desired class + proximity (mean normalised
 * |Δ|) + sparsity (share of changed features) — and breeds the rest by uniform crossover and mutation
 * (reset to the query's value, or resample from the data's values). Values stay feasible: numbers
 * within the observed range (integers where the data holds integers), categories from the schema, and
 * immutable features never change. The valid candidates are made sparser after the search (each
 * change that is not needed is reverted, as DiCE's post-hoc sparsity enhancement), a diverse set is
 * chosen greedily (fitness − diversity weight × distance to those already chosen), and every returned
 * counterfactual is re-predicted to verify it. Deterministic under `seed`.
 */
export async function diceCounterfactuals(pipe: Pipeline, query: RawMatrix, inputs: DiceInputs, options: DiceOptions = {}): Promise<CounterfactualResult> {
  const opts = parseOptions('diceCounterfactuals', diceOptionsSchema, options);
  checkQuery(query, inputs.data);
  const space = inputs.space ?? measureFeatureSpace(pipe.encoder.features, inputs.data, opts.normalisation);
  const f = query.nFeatures;
  const width = pipe.model.outputWidth;
  const frozen = new Uint8Array(f);
  for (const j of featureIndices(space, opts.immutable, 'immutable')) frozen[j] = 1;
  if (opts.mutable) {
    const free = new Set(featureIndices(space, opts.mutable, 'mutable'));
    for (let j = 0; j < f; j++) if (!free.has(j)) frozen[j] = 1;
  }
  const mutable = Array.from({ length: f }, (_, j) => j).filter((j) => !frozen[j]);
  const q = query.data.slice(0, f);
  const queryOut = await pipe.predictRaw(query);
  const queryClass = argmaxRow(queryOut, 0, width);
  const desired = desiredClass(pipe.model, queryClass, opts.target);
  const base = { method: 'dice-genetic' as const, featureNames: space.names, query: { values: q, outputs: Float64Array.from(queryOut), predictedClass: queryClass }, desiredClass: desired, metric: opts.metric, normalisation: space.normalisation, scales: space.scale, immutable: space.names.filter((_, j) => frozen[j]), options: { ...opts }, seed: opts.seed };
  if (mutable.length === 0) return { ...base, counterfactuals: [], notes: ['Every feature is immutable, so nothing can change.'] };

  const rng = new Rng(opts.seed);
  const search = { pipe, space, q, f, width, desired, queryClass, mutable, frozen, data: inputs.data, rng, opts };
  let population = await initialPopulation(search, inputs.predictions);
  let scored = await score(search, population);
  const pool = new Map<string, Float64Array>();
  for (let g = 0; g < opts.generations; g++) {
    throwIfAborted(inputs.signal);
    collectValid(scored, population, f, pool);
    const order = rank(scored.fitness);
    const elite = order.slice(0, Math.max(2, Math.floor(opts.populationSize / 2)));
    population = breed(search, population, elite);
    scored = await score(search, population);
  }
  collectValid(scored, population, f, pool);
  const sparse = await sparsify(search, [...pool.values()]);
  const chosen = chooseDiverse(search, sparse);
  return { ...base, ...(await verify(search, chosen)) };
}

interface Search {
  readonly pipe: Pipeline;
  readonly space: FeatureSpace;
  readonly q: Float64Array;
  readonly f: number;
  readonly width: number;
  readonly desired: number;
  readonly queryClass: number;
  readonly mutable: readonly number[];
  readonly frozen: Uint8Array;
  readonly data: RawMatrix;
  readonly rng: Rng;
  readonly opts: z.output<typeof diceOptionsSchema>;
}

/** A feasible value of feature j: a category of the schema, or the value of a random reference row (missing values skipped). */
function sampleValue(s: Search, j: number): number {
  if (s.space.categorical[j]) return s.space.levels[j]! > 0 ? s.rng.int(s.space.levels[j]!) : s.q[j]!;
  for (let tries = 0; tries < 8; tries++) {
    const v = s.data.data[s.rng.int(s.data.nRows) * s.data.nFeatures + j]!;
    if (!Number.isNaN(v)) return v;
  }
  const v = s.space.min[j]! + s.rng.next() * (s.space.max[j]! - s.space.min[j]!);
  return s.space.integer[j] ? Math.round(v) : v;
}

/** Half: the query with 1–3 mutable features resampled; half: the nearest data rows of the desired class, immutables reset. */
async function initialPopulation(s: Search, given: Float32Array | undefined): Promise<Float64Array> {
  const n = s.opts.populationSize;
  const pop = new Float64Array(n * s.f);
  const fromData = Math.floor(n / 2);
  const predictions = given ?? (await s.pipe.predictRaw(s.data));
  const near: { row: number; d: number }[] = [];
  for (let i = 0; i < s.data.nRows; i++) if (reaches(predictions, i, s.width, s.desired, s.queryClass)) near.push({ row: i, d: rowDistance(s.space, s.q, 0, s.data.data, i * s.f, s.opts.metric) });
  near.sort((a, b) => a.d - b.d || a.row - b.row);
  for (let k = 0; k < n; k++) {
    const at = k * s.f;
    pop.set(s.q, at);
    if (k < fromData && k < near.length) {
      const row = near[k]!.row;
      for (const j of s.mutable) {
        const v = s.data.data[row * s.f + j]!;
        if (!Number.isNaN(v)) pop[at + j] = v;
      }
      continue;
    }
    const changes = 1 + s.rng.int(Math.min(3, s.mutable.length));
    for (let c = 0; c < changes; c++) {
      const j = s.mutable[s.rng.int(s.mutable.length)]!;
      pop[at + j] = sampleValue(s, j);
    }
  }
  return pop;
}

interface Scored {
  readonly outputs: Float32Array;
  readonly fitness: Float64Array;
  /** 1 where the candidate reaches the desired class. */
  readonly valid: Uint8Array;
}

/** DiCE's loss per candidate: hinge loss on the desired class + proximity weight × mean normalised |Δ| + sparsity weight × share changed. */
async function score(s: Search, pop: Float64Array): Promise<Scored> {
  const n = pop.length / s.f;
  const outputs = await s.pipe.predictRaw({ data: pop, nRows: n, nFeatures: s.f });
  const fitness = new Float64Array(n);
  const valid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    fitness[i] = lossOf(s, pop, i, outputs);
    valid[i] = reaches(outputs, i, s.width, s.desired, s.queryClass) ? 1 : 0;
  }
  return { outputs, fitness, valid };
}

function lossOf(s: Search, pop: Float64Array, i: number, outputs: ArrayLike<number>): number {
  const proximity = rowDistance(s.space, s.q, 0, pop, i * s.f, 'l1') / s.f;
  return classLoss(outputs, i, s.width, s.desired, s.queryClass) + s.opts.proximityWeight * proximity + s.opts.sparsityWeight * (countChanged(s, pop, i * s.f) / s.f);
}

function countChanged(s: Search, row: ArrayLike<number>, at: number): number {
  let changed = 0;
  for (let j = 0; j < s.f; j++) if (!sameValue(row[at + j]!, s.q[j]!)) changed++;
  return changed;
}

function rank(fitness: Float64Array): number[] {
  return Array.from(fitness.keys()).sort((a, b) => fitness[a]! - fitness[b]! || a - b);
}

/** Keeps the elite; fills the rest with children of two elite parents (uniform crossover), each mutable feature mutated with probability 0.3. */
function breed(s: Search, pop: Float64Array, elite: readonly number[]): Float64Array {
  const n = s.opts.populationSize;
  const next = new Float64Array(n * s.f);
  elite.forEach((e, k) => next.set(pop.subarray(e * s.f, (e + 1) * s.f), k * s.f));
  for (let k = elite.length; k < n; k++) {
    const a = elite[s.rng.int(elite.length)]!;
    const b = elite[s.rng.int(elite.length)]!;
    const at = k * s.f;
    next.set(s.q, at);
    for (const j of s.mutable) {
      next[at + j] = s.rng.next() < 0.5 ? pop[a * s.f + j]! : pop[b * s.f + j]!;
      if (s.rng.next() < 0.3) next[at + j] = s.rng.next() < 0.5 ? s.q[j]! : sampleValue(s, j);
    }
  }
  return next;
}

/** Adds the valid candidates of a generation to the pool (unique by value, first seen first). */
function collectValid(scored: Scored, pop: Float64Array, f: number, pool: Map<string, Float64Array>): void {
  for (let i = 0; i < scored.valid.length; i++) {
    if (!scored.valid[i]) continue;
    const row = pop.subarray(i * f, (i + 1) * f);
    const key = Array.from(row).join(',');
    if (!pool.has(key)) pool.set(key, Float64Array.from(row));
  }
}

/**
 * Post-hoc sparsity (DiCE's do_posthoc_sparsity_enhancement, simplified to whole reverts): for each of
 * the best candidates, every remaining change is tried back at the query's value in one batched
 * prediction, and the smallest change whose revert keeps the desired class is reverted; repeated until
 * no change can go.
 */
async function sparsify(s: Search, candidates: Float64Array[]): Promise<Float64Array[]> {
  const best = candidates
    .map((row) => ({ row, loss: rowDistance(s.space, s.q, 0, row, 0, 'l1') / s.f + s.opts.sparsityWeight * (countChanged(s, row, 0) / s.f) }))
    .sort((a, b) => a.loss - b.loss)
    .slice(0, Math.max(4 * s.opts.count, 20))
    .map((c) => c.row);
  for (const row of best) {
    for (;;) {
      const order = s.mutable.filter((j) => !sameValue(row[j]!, s.q[j]!)).sort((a, b) => Math.abs(row[a]! - s.q[a]!) / s.space.scale[a]! - Math.abs(row[b]! - s.q[b]!) / s.space.scale[b]! || a - b);
      if (order.length <= 1) break;
      const trials = concat(order.map((j) => Float64Array.from(row, (v, k) => (k === j ? s.q[j]! : v))), s.f);
      const outputs = await s.pipe.predictRaw({ data: trials, nRows: order.length, nFeatures: s.f });
      const t = order.findIndex((_, i) => reaches(outputs, i, s.width, s.desired, s.queryClass));
      if (t < 0) break;
      row[order[t]!] = s.q[order[t]!]!;
    }
  }
  const unique = new Map<string, Float64Array>();
  for (const row of best) unique.set(Array.from(row).join(','), row);
  return [...unique.values()];
}

/** Greedy diverse set: the lowest-loss candidate first, then the one minimising loss − diversityWeight × (mean distance to those chosen) / features. */
function chooseDiverse(s: Search, candidates: Float64Array[]): Float64Array[] {
  const loss = candidates.map((row) => rowDistance(s.space, s.q, 0, row, 0, 'l1') / s.f * s.opts.proximityWeight + (s.opts.sparsityWeight * countChanged(s, row, 0)) / s.f);
  const chosen: number[] = [];
  while (chosen.length < Math.min(s.opts.count, candidates.length)) {
    let best = -1;
    let bestScore = Infinity;
    candidates.forEach((row, i) => {
      if (chosen.includes(i)) return;
      const spread = chosen.length === 0 ? 0 : chosen.reduce((sum, c) => sum + rowDistance(s.space, row, 0, candidates[c]!, 0, 'l1'), 0) / chosen.length / s.f;
      const value = loss[i]! - s.opts.diversityWeight * spread;
      if (value < bestScore) {
        bestScore = value;
        best = i;
      }
    });
    chosen.push(best);
  }
  return chosen.map((i) => candidates[i]!);
}

/** Re-predicts the chosen set in one call; a row that no longer reaches the desired class is dropped with a note. */
async function verify(s: Search, rows: Float64Array[]): Promise<{ counterfactuals: Counterfactual[]; notes: string[]; diversity?: number }> {
  const notes: string[] = [];
  const outputs = rows.length > 0 ? await s.pipe.predictRaw({ data: concat(rows, s.f), nRows: rows.length, nFeatures: s.f }) : new Float32Array(0);
  const counterfactuals: Counterfactual[] = [];
  rows.forEach((row, k) => {
    const out = Float64Array.from(outputs.subarray(k * s.width, (k + 1) * s.width));
    if (!reaches(out, 0, s.width, s.desired, s.queryClass)) {
      notes.push('A candidate changed class when re-predicted; it was left out.');
      return;
    }
    counterfactuals.push({ values: row, changed: changedFeatures(s.space, s.q, row), distance: rowDistance(s.space, s.q, 0, row, 0, s.opts.metric), outputs: out, predictedClass: argmaxRow(out, 0, s.width) });
  });
  if (counterfactuals.length < s.opts.count) notes.push(`Found ${counterfactuals.length} of the ${s.opts.count} counterfactuals asked for within ${s.opts.generations} generations of ${s.opts.populationSize}${s.frozen.some((v) => v === 1) ? ' with the immutable features held' : ''}.`);
  let diversity: number | undefined;
  if (counterfactuals.length > 1) {
    let sum = 0;
    let pairs = 0;
    for (let a = 0; a < counterfactuals.length; a++) {
      for (let b = a + 1; b < counterfactuals.length; b++) {
        sum += rowDistance(s.space, counterfactuals[a]!.values, 0, counterfactuals[b]!.values, 0, s.opts.metric);
        pairs++;
      }
    }
    diversity = sum / pairs;
  }
  return { counterfactuals, notes, ...(diversity === undefined ? {} : { diversity }) };
}
