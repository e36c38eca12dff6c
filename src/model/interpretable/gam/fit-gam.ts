import type { RawMatrix } from '../../../encode/encoder.js';
import { GlassboxError, throwIfAborted } from '../../../errors.js';
import { toRng } from '../../../rng.js';
import { binColumn, binCount, fitBinnings, type FeatureBinning, type LearnerFeature } from '../binning.js';
import { checkLearnerInputs } from '../check-inputs.js';
import { stratifiedHoldout } from '../holdout.js';
import { boostStage, type BoostRows, type BoostTerm } from './booster.js';
import { flatPairBins, rankPairs } from './fast-pairs.js';
import { fastPairCut, mainTreeStep, pairScratch, type SplitLimits } from './term-split.js';
import { assembleGam } from './assemble.js';
import { GAM_DEFAULTS, type Gam, type GamOptions, type LearnerTask, type ResolvedGamOptions } from './types.js';

/** One bag: its rows, their scores, and its term tables. */
export interface Bag {
  readonly trainIndex: Int32Array;
  readonly validIndex: Int32Array;
  readonly train: BoostRows;
  readonly valid: BoostRows;
  readonly mainTables: Float64Array[];
  pairTables: Float64Array[];
  readonly rounds: { mains: number; pairs: number };
}

/**
 * Fits an Explainable Boosting Machine style GAM (Lou, Caruana & Gehrke, "Intelligible models for
 * classification and regression", KDD 2012; Lou et al., "Accurate intelligible models with pairwise
 * interactions", KDD 2013; Nori et al., "InterpretML", 2019): features are binned (quantiles; categories
 * as their own bins; missing in bin 0), main effects are boosted round-robin with small trees and a small
 * learning rate, each of `outerBags` bags on its own stratified train/validation split with early
 * stopping; then the `interactions` strongest pairs by FAST are boosted the same way on top of the main
 * effects. The bags' tables are averaged and each term is centred on the training rows (the intercept
 * takes the mean). Deterministic under `seed`.
 *
 * @param raw ordinal-coded rows (numbers as values, categories as codes, NaN = missing)
 * @param y labels 0/1 (binary) or values (regression), one per row
 */
export function fitGam(raw: RawMatrix, y: ArrayLike<number>, features: readonly LearnerFeature[], task: LearnerTask, options: GamOptions = {}): Gam {
  const opts = resolveGamOptions(options);
  const target = checkLearnerInputs(raw, y, features, task, 'fitGam');
  const rng = toRng(opts.seed);
  const binnings = fitBinnings(raw, features, opts.maxBins);
  const mainBins = binnings.map((b, j) => binColumn(raw, j, b));
  const base = baseScore(task, target);
  const limits: SplitLimits = { minSamplesLeaf: opts.minSamplesLeaf, minHessian: opts.minHessian };
  const mainTerms: BoostTerm[] = binnings.map((binning) => {
    const nBins = binCount(binning);
    return { nBins, step: (hist, out) => void mainTreeStep(hist, nBins, binning.type === 'categorical', opts.maxLeaves, limits, out) };
  });
  const stage = { task, learningRate: opts.learningRate, maxRounds: opts.maxRounds, earlyStoppingRounds: opts.earlyStoppingRounds, earlyStoppingTolerance: opts.earlyStoppingTolerance, limits, ...(options.signal ? { signal: options.signal } : {}) };
  const pairsWanted = features.length >= 2 ? Math.min(opts.interactions, (features.length * (features.length - 1)) / 2) : 0;
  const totalSteps = opts.outerBags * (pairsWanted > 0 ? 2 : 1);
  let done = 0;
  const bags: Bag[] = [];
  for (let k = 0; k < opts.outerBags; k++) {
    throwIfAborted(options.signal);
    const { fit: trainIndex, holdout: validIndex } = stratifiedHoldout(target, task, opts.validationSize, rng.fork());
    const train = boostRows(trainIndex, target, base, mainBins);
    const valid = boostRows(validIndex, target, base, mainBins);
    const mainTables = mainTerms.map((t) => new Float64Array(t.nBins));
    const mains = boostStage(train, valid, mainTerms, mainTables, stage);
    bags.push({ trainIndex, validIndex, train, valid, mainTables, pairTables: [], rounds: { mains, pairs: 0 } });
    options.onProgress?.(++done / totalSteps, 'main effects');
  }
  let pairs: { features: [number, number]; strength: number }[] = [];
  let pairBinnings: FeatureBinning[] = [];
  let pairBins: Uint16Array[] = [];
  if (pairsWanted > 0) {
    pairBinnings = fitBinnings(raw, features, opts.maxInteractionBins);
    const coarse = pairBinnings.map((b, j) => binColumn(raw, j, b));
    pairs = rankPairs(task, bags, coarse, pairBinnings.map(binCount), limits, options.signal).slice(0, pairsWanted).filter((p) => p.strength > 0);
    pairBins = pairs.map((p) => flatPairBins(coarse[p.features[0]]!, coarse[p.features[1]]!, binCount(pairBinnings[p.features[1]]!)));
    const pairTerms: BoostTerm[] = pairs.map((p) => {
      const rows = binCount(pairBinnings[p.features[0]]!);
      const cols = binCount(pairBinnings[p.features[1]]!);
      const scratch = pairScratch(rows, cols);
      return { nBins: rows * cols, step: (hist, out) => void fastPairCut(hist, rows, cols, limits, scratch, out) };
    });
    for (const bag of bags) {
      throwIfAborted(options.signal);
      bag.train.bins = pairBins.map((bins) => gather(bins, bag.trainIndex));
      bag.valid.bins = pairBins.map((bins) => gather(bins, bag.validIndex));
      bag.pairTables = pairTerms.map((t) => new Float64Array(t.nBins));
      bag.rounds.pairs = boostStage(bag.train, bag.valid, pairTerms, bag.pairTables, stage);
      options.onProgress?.(++done / totalSteps, 'pairs');
    }
  }
  return assembleGam({ task, features, options: opts, base, binnings, mainBins, bags, pairs, pairBinnings, pairBins });
}

export function resolveGamOptions(options: GamOptions): ResolvedGamOptions {
  const opts: ResolvedGamOptions = { ...GAM_DEFAULTS };
  for (const key of Object.keys(GAM_DEFAULTS) as (keyof ResolvedGamOptions)[]) {
    const value = options[key];
    if (value !== undefined) (opts as Record<string, number>)[key] = value;
  }
  const check = (ok: boolean, name: string, hint: string): void => {
    if (!ok) throw new GlassboxError('invalid_argument', `GAM option ${name} = ${String((opts as Record<string, number>)[name])} is out of range.`, { argument: name, hint });
  };
  check(opts.learningRate > 0 && opts.learningRate <= 1, 'learningRate', 'Use a value in (0, 1], e.g. 0.015.');
  check(Number.isInteger(opts.outerBags) && opts.outerBags >= 1, 'outerBags', 'Use an integer ≥ 1, e.g. 8.');
  check(opts.validationSize >= 0 && opts.validationSize < 1, 'validationSize', 'Use a share in [0, 1), e.g. 0.15.');
  check(Number.isInteger(opts.maxLeaves) && opts.maxLeaves >= 2, 'maxLeaves', 'Use an integer ≥ 2.');
  check(Number.isInteger(opts.interactions) && opts.interactions >= 0, 'interactions', 'Use 0 (additive) or a count of pairs, e.g. 10.');
  check(Number.isInteger(opts.maxRounds) && opts.maxRounds >= 1, 'maxRounds', 'Use an integer ≥ 1.');
  check(Number.isInteger(opts.earlyStoppingRounds) && opts.earlyStoppingRounds >= 0, 'earlyStoppingRounds', 'Use an integer ≥ 0 (0 = no early stopping).');
  check(opts.minSamplesLeaf >= 1, 'minSamplesLeaf', 'Use an integer ≥ 1.');
  return Object.freeze(opts);
}

function baseScore(task: LearnerTask, y: Float64Array): number {
  let mean = 0;
  for (const v of y) mean += v;
  mean /= y.length;
  if (task === 'regression') return mean;
  const p = Math.min(1 - 1e-6, Math.max(1e-6, mean));
  return Math.log(p / (1 - p));
}

function gather(bins: Uint16Array, index: Int32Array): Uint16Array {
  const out = new Uint16Array(index.length);
  for (let k = 0; k < index.length; k++) out[k] = bins[index[k]!]!;
  return out;
}

function boostRows(index: Int32Array, y: Float64Array, base: number, bins: readonly Uint16Array[]): BoostRows {
  const n = index.length;
  const labels = new Float64Array(n);
  for (let k = 0; k < n; k++) labels[k] = y[index[k]!]!;
  return { n, y: labels, scores: new Float64Array(n).fill(base), bins: bins.map((b) => gather(b, index)) };
}
