import { riskCoverageOfProbabilities } from '../selective/from-probabilities.js';
import type { RiskCoverage } from '../selective/risk-coverage.js';
import { coverageByGroup, setCoverage, type CoverageSummary, type GroupCoverage } from './coverage.js';
import { calibrateConformalClassifier, predictSets, type ConformalClassifier, type ConformalClassifierOptions, type PredictionSets } from './split-conformal.js';

/** One grouping of the test rows: a code per row (−1: none) and the groups' names. */
export interface RowGrouping {
  readonly name: string;
  readonly codes: ArrayLike<number>;
  readonly labels: readonly string[];
}

export interface ConformalEvaluationInput {
  readonly k: number;
  readonly classes: readonly string[];
  readonly calibration: { readonly probs: ArrayLike<number>; readonly labels: ArrayLike<number>; readonly groups?: ArrayLike<number> };
  /** Test rows; with labels, coverage, set sizes and the selective-prediction summary are measured. */
  readonly test: { readonly probs: ArrayLike<number>; readonly labels?: ArrayLike<number>; readonly groups?: ArrayLike<number>; readonly groupings?: readonly RowGrouping[] };
  readonly options: ConformalClassifierOptions;
  /** Confidence level of the coverage intervals (default 0.95). */
  readonly level?: number;
}

export interface GroupingCoverage {
  readonly attribute: string;
  readonly groups: readonly GroupCoverage[];
}

export interface ConformalEvaluation {
  readonly classifier: ConformalClassifier;
  readonly sets: PredictionSets;
  readonly overall?: CoverageSummary;
  /** Coverage among the rows of each true class. */
  readonly perClass?: readonly GroupCoverage[];
  readonly perGroup?: readonly GroupingCoverage[];
  /** Abstaining on the least confident rows (max probability), for the same test rows. */
  readonly selective?: RiskCoverage;
}

/**
 * Calibrates on the calibration rows, makes the test rows' sets and, when their labels are known,
 * measures coverage and set size overall, per true class and per group of each grouping (each with its
 * Clopper–Pearson interval), and the risk–coverage summary of the max-probability confidence.
 */
export function evaluateConformal(input: ConformalEvaluationInput): ConformalEvaluation {
  const { k, calibration, test, options } = input;
  const level = input.level ?? 0.95;
  const classifier = calibrateConformalClassifier(calibration.probs, k, calibration.labels, options, calibration.groups);
  const sets = predictSets(classifier, test.probs, test.groups);
  if (!test.labels) return { classifier, sets };
  const labels = test.labels;
  return {
    classifier,
    sets,
    overall: setCoverage(sets, labels, level),
    perClass: coverageByGroup(sets, labels, labels, input.classes, level),
    perGroup: (test.groupings ?? []).map((g) => ({ attribute: g.name, groups: coverageByGroup(sets, labels, g.codes, g.labels, level) })),
    selective: riskCoverageOfProbabilities(test.probs, k, labels),
  };
}
