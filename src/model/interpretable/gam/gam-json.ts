import { GlassboxError } from '../../../errors.js';
import { binCount, binLabel, type FeatureBinning, type LearnerFeature } from '../binning.js';
import { GAM_DEFAULTS, type Gam, type GamTerm, type LearnerTask, type MainTerm, type ResolvedGamOptions } from './types.js';

type BinningJson = { type: 'numeric'; cuts: number[] } | { type: 'categorical'; categories: string[] };

export interface GamJson {
  readonly format: 'glassbox-gam';
  readonly version: 1;
  readonly task: LearnerTask;
  readonly classes: readonly string[];
  readonly intercept: number;
  readonly terms: readonly (
    | { kind: 'main'; feature: string; binning: BinningJson; bins: string[]; scores: number[]; stdev: number[]; counts: number[]; importance: number }
    | { kind: 'pair'; features: [string, string]; binnings: [BinningJson, BinningJson]; scores: number[][]; counts: number[][]; strength: number; importance: number }
  )[];
  readonly options: ResolvedGamOptions;
  readonly rounds: { mains: number[]; pairs: number[] };
}

const binningJson = (b: FeatureBinning): BinningJson => (b.type === 'numeric' ? { type: 'numeric', cuts: Array.from(b.cuts) } : { type: 'categorical', categories: [...b.categories] });

function grid(values: Float64Array, cols: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r * cols < values.length; r++) out.push(Array.from(values.subarray(r * cols, (r + 1) * cols)));
  return out;
}

/**
 * The GAM as JSON: every shape function with its bins (labels, scores on the logit scale, their spread
 * over bags and training counts), the pair grids row-major, the intercept and the options. Bin 0 is
 * "missing" (and unknown categories). `gamFromJson` reads it back.
 */
export function gamToJson(gam: Gam, classes: readonly string[]): GamJson {
  const name = (j: number): string => gam.featureNames[j]!;
  return {
    format: 'glassbox-gam',
    version: 1,
    task: gam.task,
    classes: [...classes],
    intercept: gam.intercept,
    terms: gam.terms.map((t) =>
      t.kind === 'main'
        ? { kind: 'main' as const, feature: name(t.feature), binning: binningJson(t.binning), bins: Array.from(t.scores, (_, b) => binLabel(t.binning, b)), scores: Array.from(t.scores), stdev: Array.from(t.stdev), counts: Array.from(t.counts), importance: t.importance }
        : { kind: 'pair' as const, features: [name(t.features[0]), name(t.features[1])] as [string, string], binnings: [binningJson(t.binnings[0]), binningJson(t.binnings[1])] as [BinningJson, BinningJson], scores: grid(t.scores, binCount(t.binnings[1])), counts: grid(t.counts, binCount(t.binnings[1])), strength: t.strength, importance: t.importance },
    ),
    options: gam.options,
    rounds: { mains: [...gam.rounds.mains], pairs: [...gam.rounds.pairs] },
  };
}

const readBinning = (b: BinningJson): FeatureBinning => (b.type === 'numeric' ? { type: 'numeric', cuts: Float64Array.from(b.cuts) } : { type: 'categorical', categories: [...b.categories] });

/** Reads a GAM written by `gamToJson`; throws a GlassboxError naming what is wrong. */
export function gamFromJson(json: unknown, source = 'GAM JSON'): { gam: Gam; classes: readonly string[] } {
  const j = json as Partial<GamJson>;
  if (!j || j.format !== 'glassbox-gam' || j.version !== 1 || !Array.isArray(j.terms)) {
    throw new GlassboxError('invalid_input', `${source}: not a glassbox GAM (expected "format": "glassbox-gam", "version": 1).`, { file: source, hint: 'Write it with glassbox challenger --save-gam FILE or gamToJson().' });
  }
  const mains = j.terms.filter((t) => t.kind === 'main');
  const featureNames = mains.map((t) => t.feature);
  const index = new Map(featureNames.map((n, k) => [n, k]));
  const terms: GamTerm[] = j.terms.map((t): GamTerm => {
    if (t.kind === 'main') {
      const binning = readBinning(t.binning);
      if (t.scores.length !== binCount(binning)) throw new GlassboxError('invalid_input', `${source}: term "${t.feature}" has ${t.scores.length} scores for ${binCount(binning)} bins.`, { file: source });
      return { kind: 'main', feature: index.get(t.feature)!, binning, scores: Float64Array.from(t.scores), stdev: Float64Array.from(t.stdev), counts: Float64Array.from(t.counts), importance: t.importance };
    }
    const [a, b] = t.features.map((n: string) => {
      const k = index.get(n);
      if (k === undefined) throw new GlassboxError('invalid_input', `${source}: pair term names "${n}", which has no main term.`, { file: source });
      return k;
    }) as [number, number];
    return { kind: 'pair', features: [a, b], binnings: [readBinning(t.binnings[0]), readBinning(t.binnings[1])], scores: Float64Array.from(t.scores.flat()), counts: Float64Array.from(t.counts.flat()), strength: t.strength, importance: t.importance };
  });
  const gam: Gam = { kind: 'gam', task: j.task ?? 'binary', featureNames, intercept: Number(j.intercept), terms, options: { ...GAM_DEFAULTS, ...(j.options ?? {}) }, rounds: { mains: j.rounds?.mains ?? [], pairs: j.rounds?.pairs ?? [] } };
  return { gam, classes: j.classes ?? ['0', '1'] };
}

/** The raw features a GAM takes, read from its main terms (categories from categorical binnings). */
export function gamFeatures(gam: Gam): LearnerFeature[] {
  const mains = gam.terms.filter((t): t is MainTerm => t.kind === 'main').sort((a, b) => a.feature - b.feature);
  return mains.map((t) => (t.binning.type === 'categorical' ? { name: gam.featureNames[t.feature]!, type: 'categorical' as const, categories: t.binning.categories } : { name: gam.featureNames[t.feature]!, type: 'numeric' as const }));
}
