import type { FeatureBinning, LearnerFeature } from '../binning.js';
import type { Bag } from './fit-gam.js';
import type { Gam, GamTerm, LearnerTask, ResolvedGamOptions } from './types.js';

export interface AssembleInputs {
  readonly task: LearnerTask;
  readonly features: readonly LearnerFeature[];
  readonly options: ResolvedGamOptions;
  readonly base: number;
  readonly binnings: readonly FeatureBinning[];
  readonly mainBins: readonly Uint16Array[];
  readonly bags: readonly Bag[];
  readonly pairs: readonly { readonly features: [number, number]; readonly strength: number }[];
  readonly pairBinnings: readonly FeatureBinning[];
  readonly pairBins: readonly Uint16Array[];
}

/** Mean and standard deviation over bags of each bin of one term. */
function bagStats(tables: readonly Float64Array[]): { mean: Float64Array; stdev: Float64Array } {
  const size = tables[0]!.length;
  const mean = new Float64Array(size);
  const stdev = new Float64Array(size);
  for (const t of tables) for (let b = 0; b < size; b++) mean[b]! += t[b]! / tables.length;
  if (tables.length > 1) {
    for (const t of tables) for (let b = 0; b < size; b++) stdev[b]! += (t[b]! - mean[b]!) ** 2;
    for (let b = 0; b < size; b++) stdev[b] = Math.sqrt(stdev[b]! / (tables.length - 1));
  }
  return { mean, stdev };
}

function countsOf(bins: Uint16Array, size: number): Float64Array {
  const c = new Float64Array(size);
  for (const b of bins) c[b]! += 1;
  return c;
}

/** Subtracts the count-weighted mean (returned) so the term averages 0 over the training rows; importance = mean |score|. */
function centre(scores: Float64Array, counts: Float64Array): { shift: number; importance: number } {
  let total = 0;
  let sum = 0;
  for (let b = 0; b < scores.length; b++) {
    sum += scores[b]! * counts[b]!;
    total += counts[b]!;
  }
  const shift = total > 0 ? sum / total : 0;
  let abs = 0;
  for (let b = 0; b < scores.length; b++) {
    scores[b]! -= shift;
    abs += Math.abs(scores[b]!) * counts[b]!;
  }
  return { shift, importance: total > 0 ? abs / total : 0 };
}

/** The bags' average model: each term's mean table, centred on the training rows, the intercept taking the shifts. */
export function assembleGam(inputs: AssembleInputs): Gam {
  const { bags } = inputs;
  let intercept = inputs.base;
  const terms: GamTerm[] = [];
  inputs.binnings.forEach((binning, j) => {
    const { mean, stdev } = bagStats(bags.map((bag) => bag.mainTables[j]!));
    const counts = countsOf(inputs.mainBins[j]!, mean.length);
    const { shift, importance } = centre(mean, counts);
    intercept += shift;
    terms.push({ kind: 'main', feature: j, binning, scores: mean, stdev, counts, importance });
  });
  inputs.pairs.forEach((pair, p) => {
    const { mean } = bagStats(bags.map((bag) => bag.pairTables[p]!));
    const counts = countsOf(inputs.pairBins[p]!, mean.length);
    const { shift, importance } = centre(mean, counts);
    intercept += shift;
    const [a, b] = pair.features;
    terms.push({ kind: 'pair', features: [a, b], binnings: [inputs.pairBinnings[a]!, inputs.pairBinnings[b]!], scores: mean, counts, strength: pair.strength, importance });
  });
  return Object.freeze({
    kind: 'gam' as const,
    task: inputs.task,
    featureNames: inputs.features.map((f) => f.name),
    intercept,
    terms,
    options: inputs.options,
    rounds: { mains: bags.map((b) => b.rounds.mains), pairs: bags.map((b) => b.rounds.pairs) },
  });
}
