import type { RawMatrix } from '../encode/encoder.js';
import { GlassboxError, throwIfAborted } from '../errors.js';
import type { LearnerFeature } from '../model/interpretable/binning.js';
import { fitGam } from '../model/interpretable/gam/fit-gam.js';
import { gamToJson, type GamJson } from '../model/interpretable/gam/gam-json.js';
import { gamScores } from '../model/interpretable/gam/predict-gam.js';
import type { GamOptions } from '../model/interpretable/gam/types.js';
import { fitShallowTree, shallowTreePredict, shallowTreeText, type ShallowTree } from '../model/interpretable/shallow-tree.js';
import { fitSparseLinear, sparseLinearScores } from '../model/interpretable/sparse-linear.js';
import { binaryMetrics, pairedDifferences, type BinaryMetrics, type ComparedMetric, type PairedDifference } from './paired-bootstrap.js';

export type ChallengerKind = 'gam' | 'linear' | 'tree';
export const CHALLENGER_KINDS: readonly ChallengerKind[] = ['gam', 'linear', 'tree'];

export interface ChallengerInputs {
  readonly features: readonly LearnerFeature[];
  /** [negative, positive] class labels. */
  readonly classes: readonly string[];
  /** Rows the challengers learn from, with 0/1 labels. */
  readonly train: { readonly raw: RawMatrix; readonly labels: Int32Array };
  /** Rows where everything is compared, with labels and their data row ids. */
  readonly audited: { readonly raw: RawMatrix; readonly labels: Int32Array; readonly rowIds: Int32Array };
  /** The black box's P(positive) on the audited rows, when a model was given. */
  readonly blackBox?: { readonly name: string; readonly scores: Float64Array };
}

export interface ChallengerOptions {
  readonly kinds?: readonly ChallengerKind[];
  readonly seed?: number;
  /** Bootstrap replicates for the differences (default 1000). */
  readonly iterations?: number;
  readonly gam?: GamOptions;
  /** Depth of the tree challenger (default 4). */
  readonly treeDepth?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (step: string) => void;
}

export interface LinearCoefficient {
  readonly column: string;
  readonly coefficient: number;
  /** Per standard deviation of the column: comparable across columns. */
  readonly standardized: number;
}

export interface ChallengerResult extends BinaryMetrics {
  readonly kind: ChallengerKind;
  readonly fitSeconds: number;
  /** Challenger minus black box on the audited rows (absent without a black box). */
  readonly differences?: Record<ComparedMetric, PairedDifference>;
  readonly gam?: GamJson;
  readonly linear?: { readonly lambda: number; readonly intercept: number; readonly nonzero: number; readonly columns: number; readonly coefficients: readonly LinearCoefficient[]; readonly path: { readonly lambdas: number[]; readonly nonzero: number[]; readonly validationLoss: number[]; readonly chosen: number } };
  readonly tree?: { readonly depth: number; readonly leaves: number; readonly text: string };
}

export interface ChallengerComparison {
  readonly rows: number;
  readonly trainRows: number;
  readonly blackBox?: BinaryMetrics & { readonly name: string };
  readonly challengers: readonly ChallengerResult[];
  /** The challenger with the highest AUC (accuracy when AUC is undefined). */
  readonly best: ChallengerKind;
  /** Per audited row: 1 where the black box and the best challenger decide differently at 0.5. */
  readonly disagree?: Uint8Array;
  readonly disagreement?: { readonly rate: number; readonly rows: number; readonly blackBoxRightRate: number | null };
  /** P(positive) of each challenger on the audited rows, in `challengers` order. */
  readonly scores: readonly Float64Array[];
  readonly seed: number;
  readonly iterations: number;
}

const sigmoid = (s: Float64Array): Float64Array => s.map((v) => 1 / (1 + Math.exp(-v)));

function fitOne(kind: ChallengerKind, inputs: ChallengerInputs, options: ChallengerOptions): { scores: Float64Array; detail: Partial<ChallengerResult> } {
  const { raw, labels } = inputs.train;
  const seed = options.seed ?? 0;
  const signal = options.signal ? { signal: options.signal } : {};
  if (kind === 'gam') {
    const gam = fitGam(raw, labels, inputs.features, 'binary', { seed, ...options.gam, ...signal });
    return { scores: sigmoid(gamScores(gam, inputs.audited.raw)), detail: { gam: gamToJson(gam, inputs.classes) } };
  }
  if (kind === 'linear') {
    const fitted = fitSparseLinear(raw, labels, inputs.features, 'binary', { seed, ...signal });
    const coefficients = fitted.columns.map((c, k) => ({ column: c.name, coefficient: fitted.coefficients[k]!, standardized: fitted.standardized[k]! })).filter((c) => c.coefficient !== 0).sort((a, b) => Math.abs(b.standardized) - Math.abs(a.standardized) || a.column.localeCompare(b.column));
    const path = { lambdas: Array.from(fitted.path.lambdas), nonzero: Array.from(fitted.path.nonzero), validationLoss: Array.from(fitted.path.validationLoss), chosen: fitted.path.chosen };
    return { scores: sigmoid(sparseLinearScores(fitted, inputs.audited.raw)), detail: { linear: { lambda: fitted.lambda, intercept: fitted.intercept, nonzero: coefficients.length, columns: fitted.columns.length, coefficients, path } } };
  }
  const tree: ShallowTree = fitShallowTree(raw, labels, inputs.features, 'binary', { ...(options.treeDepth ? { maxDepth: options.treeDepth } : {}), ...signal });
  return { scores: shallowTreePredict(tree, inputs.audited.raw), detail: { tree: { depth: tree.depth, leaves: tree.leaves, text: shallowTreeText(tree, inputs.classes[1] ?? 'positive') } } };
}

/**
 * Rudin's question ("Stop explaining black box machine learning models for high stakes decisions and use
 * interpretable models instead", Nature Machine Intelligence 2019): does an interpretable model do as
 * well? Trains each challenger (EBM-style GAM, sparse logistic regression, depth-≤4 tree) on the training
 * rows and compares it with the black box on the audited rows — AUC, accuracy at 0.5, log loss, and the
 * differences with paired bootstrap intervals — and marks the rows where the black box and the best
 * challenger decide differently (for the disagreement slices).
 */
export function compareChallengers(inputs: ChallengerInputs, options: ChallengerOptions = {}): ChallengerComparison {
  const kinds = options.kinds ?? CHALLENGER_KINDS;
  if (kinds.length === 0) throw new GlassboxError('invalid_argument', 'No challenger kind was asked for.', { argument: 'kinds', hint: `Use some of ${CHALLENGER_KINDS.join(', ')}.` });
  const n = inputs.audited.raw.nRows;
  if (inputs.audited.labels.length !== n || inputs.audited.rowIds.length !== n) throw new GlassboxError('shape_mismatch', `The audited rows have ${n} rows but ${inputs.audited.labels.length} labels.`, { argument: 'audited' });
  if (inputs.blackBox && inputs.blackBox.scores.length !== n) throw new GlassboxError('shape_mismatch', `The black box scored ${inputs.blackBox.scores.length} rows; ${n} are audited.`, { argument: 'blackBox' });
  const seed = options.seed ?? 0;
  const iterations = options.iterations ?? 1000;
  const labels = inputs.audited.labels;
  const results: ChallengerResult[] = [];
  const scores: Float64Array[] = [];
  for (const kind of kinds) {
    throwIfAborted(options.signal);
    options.onProgress?.(`fitting ${kind}`);
    const start = performance.now();
    const { scores: p, detail } = fitOne(kind, inputs, options);
    const fitSeconds = (performance.now() - start) / 1000;
    options.onProgress?.(`comparing ${kind}`);
    const differences = inputs.blackBox ? pairedDifferences(labels, p, inputs.blackBox.scores, { iterations, seed, ...(options.signal ? { signal: options.signal } : {}) }) : undefined;
    results.push({ kind, ...binaryMetrics(labels, p), fitSeconds, ...(differences ? { differences } : {}), ...detail });
    scores.push(p);
  }
  const rank = (r: ChallengerResult): number => r.auc ?? r.accuracy;
  let bestIndex = 0;
  results.forEach((r, k) => {
    if (rank(r) > rank(results[bestIndex]!)) bestIndex = k;
  });
  const base = { rows: n, trainRows: inputs.train.raw.nRows, challengers: results, best: results[bestIndex]!.kind, scores, seed, iterations };
  if (!inputs.blackBox) return base;
  const bb = inputs.blackBox.scores;
  const best = scores[bestIndex]!;
  const disagree = new Uint8Array(n);
  let count = 0;
  let bbRight = 0;
  for (let i = 0; i < n; i++) {
    const a = bb[i]! >= 0.5 ? 1 : 0;
    if (a !== (best[i]! >= 0.5 ? 1 : 0)) {
      disagree[i] = 1;
      count++;
      if (a === labels[i]) bbRight++;
    }
  }
  return { ...base, blackBox: { name: inputs.blackBox.name, ...binaryMetrics(labels, bb) }, disagree, disagreement: { rate: n > 0 ? count / n : 0, rows: count, blackBoxRightRate: count > 0 ? bbRight / count : null } };
}
