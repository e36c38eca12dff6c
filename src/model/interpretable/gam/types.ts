import type { FeatureBinning } from '../binning.js';

/** The learning task of an interpretable learner: binary classification (labels 0/1) or regression. */
export type LearnerTask = 'binary' | 'regression';

/**
 * Options of the EBM-style GAM. Defaults follow InterpretML's `ExplainableBoostingClassifier`
 * (interpret 0.6+) where this implementation has the same knob, except four that keep fitting fast in
 * one JavaScript thread: learningRate 0.05 (interpret 0.015) with maxLeaves 3 (interpret ≤ 0.5's default;
 * 0.6 uses 2) needs about a tenth of the rounds, outerBags 8 (14) and interactions 10 (interpret ≤ 0.5's
 * default; 0.6 uses "3x"). On adult this gives the same test AUC as the slower setting (docs/challengers.md).
 */
export interface GamOptions {
  /** Shrinkage of every boosting step (default 0.05; interpret: 0.015 for classification). */
  readonly learningRate?: number;
  /** Bins per numeric feature for main effects (interpret: 1024). */
  readonly maxBins?: number;
  /** Bins per numeric feature inside pair terms (interpret: 64). */
  readonly maxInteractionBins?: number;
  /** Pairs to add after the main effects, ranked by FAST (default 10; 0 = a purely additive model). */
  readonly interactions?: number;
  /** Bagged models averaged into the final one, each with its own validation split (default 8). */
  readonly outerBags?: number;
  /** Share of the rows each bag holds out for early stopping (interpret: 0.15). */
  readonly validationSize?: number;
  /** Leaves per boosting tree (default 3; interpret 0.6: 2, i.e. one cut per step). */
  readonly maxLeaves?: number;
  /** Least rows in a leaf (interpret: 4). */
  readonly minSamplesLeaf?: number;
  /** Least hessian in a leaf (interpret: 1e-4). */
  readonly minHessian?: number;
  /** Most boosting rounds per stage; one round visits every term once (interpret: 50000). */
  readonly maxRounds?: number;
  /** Stop when the validation loss has not improved for this many rounds (interpret: 100). */
  readonly earlyStoppingRounds?: number;
  /** Relative improvement that counts (interpret: 1e-5). */
  readonly earlyStoppingTolerance?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  /** Called after each bag of each stage with the work done so far (0..1). */
  readonly onProgress?: (done: number, stage: string) => void;
}

export type ResolvedGamOptions = Required<Omit<GamOptions, 'signal' | 'onProgress'>>;

export const GAM_DEFAULTS: ResolvedGamOptions = Object.freeze({
  learningRate: 0.05,
  maxBins: 1024,
  maxInteractionBins: 64,
  interactions: 10,
  outerBags: 8,
  validationSize: 0.15,
  maxLeaves: 3,
  minSamplesLeaf: 4,
  minHessian: 1e-4,
  maxRounds: 50000,
  earlyStoppingRounds: 100,
  earlyStoppingTolerance: 1e-5,
  seed: 0,
});

/** A main-effect term: one score per bin of one feature (bin 0 = missing / unknown). */
export interface MainTerm {
  readonly kind: 'main';
  readonly feature: number;
  readonly binning: FeatureBinning;
  /** Contribution to the logit (or value) per bin, averaged over bags and centred to weighted mean 0. */
  readonly scores: Float64Array;
  /** Standard deviation of each bin's score across bags. */
  readonly stdev: Float64Array;
  /** Training rows per bin. */
  readonly counts: Float64Array;
  /** Mean |score| over the training rows: the term's importance, as EBM reports it. */
  readonly importance: number;
}

/** A pair term: scores on the grid of the two features' interaction bins, row-major (first feature's bin × second's). */
export interface PairTerm {
  readonly kind: 'pair';
  readonly features: readonly [number, number];
  readonly binnings: readonly [FeatureBinning, FeatureBinning];
  readonly scores: Float64Array;
  readonly counts: Float64Array;
  /** FAST strength summed over bags (the reduction in loss of the best 4-quadrant cut). */
  readonly strength: number;
  readonly importance: number;
}

export type GamTerm = MainTerm | PairTerm;

/** A fitted GAM: score(x) = intercept + Σ main terms + Σ pair terms; binary: P(positive) = σ(score). */
export interface Gam {
  readonly kind: 'gam';
  readonly task: LearnerTask;
  readonly featureNames: readonly string[];
  readonly intercept: number;
  readonly terms: readonly GamTerm[];
  readonly options: ResolvedGamOptions;
  /** Boosting rounds each bag kept (best validation loss), per stage. */
  readonly rounds: { readonly mains: readonly number[]; readonly pairs: readonly number[] };
}
