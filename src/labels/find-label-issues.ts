import { GlassboxError } from '../errors.js';
import { calibrateConfidentJoint, confidentJoint } from './confident-joint.js';
import { checkLabelledProbabilities } from './inputs.js';
import { noiseEstimates, type NoiseEstimates } from './noise-matrix.js';
import { FILTER_BY, pruneLabelIssues, type FilterBy } from './prune.js';
import { labelQualityScores, RANK_BY, type RankBy } from './quality-scores.js';
import { stableArgsort } from './rounding.js';
import { argmaxOfRows } from '../math/argmax-rows.js';

export interface FindLabelIssuesOptions {
  /** How rows are chosen from the confident joint (default 'prune_by_noise_rate', as cleanlab). */
  readonly filterBy?: FilterBy;
  /** How the flagged rows are scored and ranked (default 'self_confidence'). */
  readonly rankBy?: RankBy;
  /** Classes with at most this many rows are not pruned (default 1, as cleanlab). */
  readonly minExamplesPerClass?: number;
  /** Share of the estimated issues to return, the most certain first (default 1: all of them). */
  readonly fracNoise?: number;
}

/** What confident learning concludes about the labels (indices are positions in the input rows). */
export interface LabelIssues {
  readonly method: 'confident-learning';
  readonly filterBy: FilterBy;
  readonly rankBy: RankBy;
  readonly n: number;
  readonly k: number;
  /** Flagged rows, most suspicious (lowest quality score) first. */
  readonly issues: Int32Array;
  /** The given label, suggested label (the most probable class) and quality score of each flagged row, in `issues` order. */
  readonly givenLabels: Int32Array;
  readonly suggestedLabels: Int32Array;
  readonly scores: Float64Array;
  /** 0/1 per input row: flagged. */
  readonly isIssue: Uint8Array;
  /** The quality score of every row (lower = more likely mislabelled). */
  readonly qualityScores: Float64Array;
  /** Per-class thresholds: the mean self-confidence of each class. */
  readonly thresholds: Float64Array;
  /** k × k confident joint C[given][true] before calibration, and after (the estimated joint counts). */
  readonly confidentJoint: Float64Array;
  readonly calibratedJoint: Float64Array;
  readonly estimates: NoiseEstimates;
  /** Estimated number of rows with a wrong label: the off-diagonal mass of the calibrated joint. */
  readonly estimatedIssues: number;
}

/**
 * Finds rows whose given label is probably wrong by confident learning (Northcutt, Jiang & Chuang 2021,
 * "Confident Learning: Estimating Uncertainty in Dataset Labels", JAIR 70; cleanlab's
 * `filter.find_label_issues`): per-class thresholds, the confident joint calibrated to the label counts,
 * pruning by noise rate (or by class, or both), and ranking by label quality.
 *
 * The probabilities must be out-of-sample — from a model that did not train on the row (cross-fitting,
 * see `crossFitProbabilities`); in-sample probabilities have memorised the noise and find little.
 *
 * @param probabilities n × k row-major.
 * @param labels given class index per row.
 */
export function findLabelIssues(probabilities: ArrayLike<number>, labels: ArrayLike<number>, k: number, options: FindLabelIssuesOptions = {}): LabelIssues {
  const filterBy = options.filterBy ?? 'prune_by_noise_rate';
  const rankBy = options.rankBy ?? 'self_confidence';
  if (!FILTER_BY.includes(filterBy)) throw new GlassboxError('invalid_argument', `filterBy must be one of ${FILTER_BY.join(', ')}; got "${filterBy}".`, { argument: 'filterBy' });
  if (!RANK_BY.includes(rankBy)) throw new GlassboxError('invalid_argument', `rankBy must be one of ${RANK_BY.join(', ')}; got "${rankBy}".`, { argument: 'rankBy' });
  const input = checkLabelledProbabilities(probabilities, labels, k);
  const joint = confidentJoint(input);
  const calibrated = calibrateConfidentJoint(joint.counts, input.labels, k);
  const isIssue = pruneLabelIssues(input, calibrated, { filterBy, minPerClass: options.minExamplesPerClass ?? 1, fracNoise: options.fracNoise ?? 1 });
  const qualityScores = labelQualityScores(input.probabilities, input.labels, k, rankBy);
  const flagged = Int32Array.from(Array.from(isIssue.keys()).filter((i) => isIssue[i] === 1));
  const issues = Int32Array.from(stableArgsort(Float64Array.from(flagged, (i) => qualityScores[i]!)), (t) => flagged[t]!);
  const predicted = argmaxOfRows(input.probabilities, input.n, k);
  let estimatedIssues = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) estimatedIssues += calibrated[i * k + j]!;
  return {
    method: 'confident-learning',
    filterBy,
    rankBy,
    n: input.n,
    k,
    issues,
    givenLabels: Int32Array.from(issues, (i) => input.labels[i]!),
    suggestedLabels: Int32Array.from(issues, (i) => predicted[i]!),
    scores: Float64Array.from(issues, (i) => qualityScores[i]!),
    isIssue,
    qualityScores,
    thresholds: joint.thresholds,
    confidentJoint: joint.counts,
    calibratedJoint: calibrated,
    estimates: noiseEstimates(calibrated, input.labels, k),
    estimatedIssues,
  };
}
