import type { RawMatrix } from '../encode/encoder.js';
import { wilsonInterval, type ConfidenceInterval } from '../math/stats/index.js';
import { GlassboxError } from '../errors.js';
import { issueConcentration, type ConcentrationFeature, type ConcentrationOptions, type IssueConcentration } from './concentration.js';
import { findLabelIssues, type FindLabelIssuesOptions } from './find-label-issues.js';
import type { FilterBy } from './prune.js';
import type { RankBy } from './quality-scores.js';

/** Where the out-of-sample probabilities came from. */
export interface ProbabilitySource {
  readonly kind: 'cross-fit' | 'model';
  /** One line for people, e.g. "logistic regression (C=1), 5-fold cross-fitted (seed 0)". */
  readonly description: string;
  readonly learner?: string;
  readonly folds?: number;
  readonly seed?: number;
}

export interface LabelIssueReportInput {
  /** n × k out-of-sample probabilities, row-major. */
  readonly probabilities: Float64Array;
  /** Given class index per row. */
  readonly labels: Int32Array;
  readonly classes: readonly string[];
  /** 0-based data row of each row (the input file's numbering). */
  readonly rowIds: Int32Array;
  readonly source: ProbabilitySource;
  /** Raw features of the same rows, for where the flagged rows concentrate. */
  readonly raw?: RawMatrix;
  readonly features?: readonly ConcentrationFeature[];
  readonly options?: FindLabelIssuesOptions & { readonly concentration?: ConcentrationOptions; readonly level?: number };
}

/** One off-diagonal cell of the estimated joint: rows labelled `given` that are probably `truth`. */
export interface NoiseRate {
  readonly given: string;
  readonly truth: string;
  /** Estimated count (calibrated confident joint). */
  readonly count: number;
  /** P̂(true = truth | given): the share of the rows labelled `given` that are probably `truth`. */
  readonly shareOfGiven: number;
  /** P̂(given | true = truth): the noise rate, the chance a truly-`truth` row is labelled `given`. */
  readonly noiseRate: number;
}

/** Everything `glassbox label-issues` reports; JSON-ready (plain arrays, camelCase). */
export interface LabelIssueReport {
  readonly method: 'confident-learning';
  readonly reference: string;
  readonly filterBy: FilterBy;
  readonly rankBy: RankBy;
  readonly probabilities: ProbabilitySource;
  readonly n: number;
  readonly classes: readonly string[];
  readonly flagged: number;
  readonly flaggedShare: number;
  readonly flaggedInterval: ConfidenceInterval;
  /** Off-diagonal mass of the calibrated joint: confident learning's estimate of the number of wrong labels. */
  readonly estimatedIssues: number;
  /** Flagged rows, most suspicious first: data row ids, given and suggested labels, quality scores (lower = worse). */
  readonly rowIds: readonly number[];
  readonly givenLabels: readonly string[];
  readonly suggestedLabels: readonly string[];
  readonly scores: readonly number[];
  /** p̂(given label) and p̂(suggested label) of each flagged row. */
  readonly givenProbabilities: readonly number[];
  readonly suggestedProbabilities: readonly number[];
  readonly thresholds: readonly { readonly class: string; readonly threshold: number; readonly rows: number }[];
  /** Off-diagonal cells, largest count first. */
  readonly noiseRates: readonly NoiseRate[];
  /** k × k, rows = given label, columns = true label. */
  readonly confidentJoint: readonly (readonly number[])[];
  readonly calibratedJoint: readonly (readonly number[])[];
  readonly noiseMatrix: readonly (readonly number[])[];
  readonly inverseNoiseMatrix: readonly (readonly number[])[];
  /** P̂(true class), from the calibrated joint. */
  readonly prior: readonly number[];
  /** Feature bins ranked by how much more often their rows are flagged (empty without features). */
  readonly concentration: readonly IssueConcentration[];
  readonly warnings: readonly string[];
}

const matrix = (values: ArrayLike<number>, k: number): number[][] => Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => values[i * k + j]!));

/**
 * Runs confident learning (`findLabelIssues`) on out-of-sample probabilities and gathers what a person
 * deciding whether to trust the labels needs: the suspected rows (data row ids, given and suggested label,
 * quality score), the estimated noise rate per class pair, and the feature bins where flagged rows
 * concentrate (`issueConcentration`).
 */
export function labelIssueReport(input: LabelIssueReportInput): LabelIssueReport {
  const k = input.classes.length;
  const n = input.labels.length;
  if (input.rowIds.length !== n) throw new GlassboxError('shape_mismatch', `labelIssueReport: ${input.rowIds.length} row ids for ${n} labelled rows.`, { argument: 'rowIds' });
  const options = input.options ?? {};
  const result = findLabelIssues(input.probabilities, input.labels, k, options);
  const p = input.probabilities;
  const name = (c: number): string => input.classes[c]!;
  const counts = new Float64Array(k);
  for (const y of input.labels) counts[y]! += 1;
  const noiseRates: NoiseRate[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const count = result.calibratedJoint[i * k + j]!;
      if (i === j || count === 0) continue;
      noiseRates.push({ given: name(i), truth: name(j), count, shareOfGiven: result.estimates.inverseNoiseMatrix[i * k + j]!, noiseRate: result.estimates.noiseMatrix[i * k + j]! });
    }
  }
  noiseRates.sort((a, b) => b.count - a.count || a.given.localeCompare(b.given) || a.truth.localeCompare(b.truth));
  const warnings: string[] = [];
  counts.forEach((c, y) => {
    if (c === 0) warnings.push(`No row is labelled "${name(y)}"; it can only appear as a suggested label.`);
    else if (c <= (options.minExamplesPerClass ?? 1)) warnings.push(`Class "${name(y)}" has ${c} row(s); its rows are not pruned.`);
  });
  const concentration = input.raw && input.features ? issueConcentration(input.raw, input.features, result.isIssue, { ...options.concentration, ...(options.level ? { level: options.level } : {}) }) : [];
  return {
    method: 'confident-learning',
    reference: "Northcutt, Jiang & Chuang 2021 (JAIR 70), as cleanlab's filter.find_label_issues",
    filterBy: result.filterBy,
    rankBy: result.rankBy,
    probabilities: input.source,
    n,
    classes: [...input.classes],
    flagged: result.issues.length,
    flaggedShare: result.issues.length / n,
    flaggedInterval: wilsonInterval(result.issues.length, n, options.level ?? 0.95),
    estimatedIssues: result.estimatedIssues,
    rowIds: Array.from(result.issues, (i) => input.rowIds[i]!),
    givenLabels: Array.from(result.givenLabels, name),
    suggestedLabels: Array.from(result.suggestedLabels, name),
    scores: Array.from(result.scores),
    givenProbabilities: Array.from(result.issues, (i, t) => p[i * k + result.givenLabels[t]!]!),
    suggestedProbabilities: Array.from(result.issues, (i, t) => p[i * k + result.suggestedLabels[t]!]!),
    thresholds: Array.from(result.thresholds, (threshold, c) => ({ class: name(c), threshold, rows: counts[c]! })),
    noiseRates,
    confidentJoint: matrix(result.confidentJoint, k),
    calibratedJoint: matrix(result.calibratedJoint, k),
    noiseMatrix: matrix(result.estimates.noiseMatrix, k),
    inverseNoiseMatrix: matrix(result.estimates.inverseNoiseMatrix, k),
    prior: Array.from(result.estimates.prior),
    concentration,
    warnings,
  };
}

/** How many of the planted (known-flipped) rows among the audited ones were flagged: precision and recall. */
export function plantedRecovery(report: Pick<LabelIssueReport, 'rowIds'>, auditedRowIds: ArrayLike<number>, plantedRowIds: readonly number[]): { planted: number; flagged: number; truePositives: number; precision: number | null; recall: number | null } {
  const audited = new Set(Array.from(auditedRowIds));
  const planted = new Set(plantedRowIds.filter((r) => audited.has(r)));
  const truePositives = report.rowIds.filter((r) => planted.has(r)).length;
  const flagged = report.rowIds.length;
  return { planted: planted.size, flagged, truePositives, precision: flagged ? truePositives / flagged : null, recall: planted.size ? truePositives / planted.size : null };
}
