import { throwIfAborted } from '../../../errors.js';
import type { Histogram, SplitLimits } from './term-split.js';
import type { LearnerTask } from './types.js';

/** Rows of one bag's training or validation part: labels, current scores, and each term's bin per row. */
export interface BoostRows {
  readonly n: number;
  readonly y: Float64Array;
  readonly scores: Float64Array;
  /** Per term: the (flattened) bin of every row. */
  bins: Uint16Array[];
}

/** A term being boosted: its number of (flattened) bins and its tree step on a histogram. */
export interface BoostTerm {
  readonly nBins: number;
  /** Writes the Newton leaf value of each bin into `out` (before the learning rate). */
  step(hist: Histogram, out: Float64Array): void;
}

export interface StageOptions {
  readonly task: LearnerTask;
  readonly learningRate: number;
  readonly maxRounds: number;
  readonly earlyStoppingRounds: number;
  readonly earlyStoppingTolerance: number;
  readonly limits: SplitLimits;
  readonly signal?: AbortSignal;
}

/** Mean loss of rows at their scores: log loss (binary) or half squared error (regression). */
export function meanLoss(task: LearnerTask, rows: BoostRows): number {
  let total = 0;
  const { y, scores } = rows;
  if (task === 'binary') {
    for (let i = 0; i < rows.n; i++) {
      const s = scores[i]!;
      // log(1 + e^{-s}) for y = 1, log(1 + e^{s}) for y = 0, stably
      const m = y[i]! > 0.5 ? -s : s;
      total += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
    }
  } else {
    for (let i = 0; i < rows.n; i++) total += 0.5 * (scores[i]! - y[i]!) ** 2;
  }
  return rows.n > 0 ? total / rows.n : 0;
}

/**
 * Gradient histogram of term `t` on the rows at their current scores (g = p − y, h = p(1 − p) for log
 * loss; g = s − y, h = 1 for squared error), into `hist` (cleared first).
 */
export function histogram(task: LearnerTask, rows: BoostRows, t: number, hist: Histogram, counts: Float64Array): void {
  hist.g.fill(0);
  hist.h.fill(0);
  const bins = rows.bins[t]!;
  const { y, scores } = rows;
  for (let i = 0; i < rows.n; i++) {
    const b = bins[i]!;
    if (task === 'binary') {
      const p = 1 / (1 + Math.exp(-scores[i]!));
      hist.g[b]! += p - y[i]!;
      hist.h[b]! += p * (1 - p);
    } else {
      hist.g[b]! += scores[i]! - y[i]!;
      hist.h[b]! += 1;
    }
  }
  hist.c.set(counts.subarray(0, hist.c.length));
}

/** Rows per bin of every term (constant over a stage). */
export function termCounts(rows: BoostRows, terms: readonly BoostTerm[]): Float64Array[] {
  return terms.map((term, t) => {
    const c = new Float64Array(term.nBins);
    const bins = rows.bins[t]!;
    for (let i = 0; i < rows.n; i++) c[bins[i]!]! += 1;
    return c;
  });
}

/**
 * One stage of EBM boosting (Lou, Caruana & Gehrke, KDD 2012; Nori et al. 2019): round-robin over the
 * terms, each step fits a small tree to the gradients of one term only and adds learningRate × its leaf
 * values to that term's table. After each round the validation loss decides early stopping; the tables
 * of the best round are kept, and the rows' scores are left consistent with them. The update of one term
 * and the histogram of the next share one pass over the rows. Returns the number of rounds kept.
 */
export function boostStage(train: BoostRows, valid: BoostRows, terms: readonly BoostTerm[], tables: Float64Array[], options: StageOptions): number {
  const T = terms.length;
  if (T === 0) return 0;
  const { task, learningRate: lr } = options;
  const counts = termCounts(train, terms);
  const maxBins = Math.max(...terms.map((t) => t.nBins));
  const hist: Histogram = { g: new Float64Array(maxBins), h: new Float64Array(maxBins), c: new Float64Array(maxBins) };
  const histView = (t: number): Histogram => ({ g: hist.g.subarray(0, terms[t]!.nBins), h: hist.h.subarray(0, terms[t]!.nBins), c: hist.c.subarray(0, terms[t]!.nBins) });
  const delta = new Float64Array(maxBins);
  const best = tables.map((table) => Float64Array.from(table));
  const start = Float64Array.from(train.scores);
  // binary: the odds e^s of every training row, updated multiplicatively (no exp per row and step)
  const odds = task === 'binary' ? start.map(Math.exp) : train.scores;
  const mult = new Float64Array(maxBins);
  let bestLoss = meanLoss(task, valid.n > 0 ? valid : train);
  let bestRound = 0;
  histogram(task, train, 0, histView(0), counts[0]!);
  let round = 0;
  for (round = 1; round <= options.maxRounds; round++) {
    if ((round & 7) === 0) throwIfAborted(options.signal);
    for (let t = 0; t < T; t++) {
      const nBins = terms[t]!.nBins;
      hist.c.set(counts[t]!);
      terms[t]!.step(histView(t), delta);
      const table = tables[t]!;
      for (let b = 0; b < nBins; b++) {
        delta[b] = lr * delta[b]!;
        table[b]! += delta[b]!;
      }
      const next = (t + 1) % T;
      if (task === 'binary') {
        for (let b = 0; b < nBins; b++) mult[b] = Math.exp(delta[b]!);
        updateOddsAndHistogram(train, odds, t, mult, next, hist, terms[next]!.nBins);
      } else updateAndHistogram(train, t, delta, next, hist, terms[next]!.nBins);
      addDelta(valid, t, delta);
    }
    const loss = meanLoss(task, valid.n > 0 ? valid : train);
    if (loss < bestLoss - options.earlyStoppingTolerance * Math.abs(bestLoss)) {
      bestLoss = loss;
      bestRound = round;
      tables.forEach((table, t) => best[t]!.set(table));
    } else if (options.earlyStoppingRounds > 0 && round - bestRound >= options.earlyStoppingRounds) break;
  }
  if (bestRound !== Math.min(round, options.maxRounds)) {
    // roll back to the best round: validation scores move by (best − current) per term
    tables.forEach((table, t) => {
      const back = new Float64Array(table.length);
      for (let b = 0; b < table.length; b++) back[b] = best[t]![b]! - table[b]!;
      addDelta(valid, t, back);
      table.set(best[t]!);
    });
  }
  // training scores: where the stage started plus the kept tables (which started at zero)
  train.scores.set(start);
  tables.forEach((_, t) => addDelta(train, t, tables[t]!));
  return bestRound;
}

function addDelta(rows: BoostRows, t: number, delta: Float64Array): void {
  const bins = rows.bins[t]!;
  const scores = rows.scores;
  for (let i = 0; i < rows.n; i++) scores[i]! += delta[bins[i]!]!;
}

/** Log loss: multiplies each row's odds by e^{step of its bin} and builds the next term's histogram in the same pass. */
function updateOddsAndHistogram(rows: BoostRows, odds: Float64Array, t: number, mult: Float64Array, next: number, hist: Histogram, nextBins: number): void {
  const g = hist.g;
  const h = hist.h;
  g.fill(0, 0, nextBins);
  h.fill(0, 0, nextBins);
  const bins = rows.bins[t]!;
  const binsNext = rows.bins[next]!;
  const y = rows.y;
  const n = rows.n;
  for (let i = 0; i < n; i++) {
    const o = odds[i]! * mult[bins[i]!]!;
    odds[i] = o;
    const p = o / (1 + o);
    const b = binsNext[i]!;
    g[b]! += p - y[i]!;
    h[b]! += p * (1 - p);
  }
}

/** Squared error: adds term t's step to the training scores and builds the next term's histogram in the same pass. */
function updateAndHistogram(rows: BoostRows, t: number, delta: Float64Array, next: number, hist: Histogram, nextBins: number): void {
  const g = hist.g;
  const h = hist.h;
  g.fill(0, 0, nextBins);
  h.fill(0, 0, nextBins);
  const bins = rows.bins[t]!;
  const binsNext = rows.bins[next]!;
  const { y, scores } = rows;
  const n = rows.n;
  for (let i = 0; i < n; i++) {
    const s = scores[i]! + delta[bins[i]!]!;
    scores[i] = s;
    const b = binsNext[i]!;
    g[b]! += s - y[i]!;
    h[b]! += 1;
  }
}
