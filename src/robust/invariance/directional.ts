import type { RawMatrix } from '../../encode/encoder.js';
import { quantileSorted } from '../../math/stats/quantile.js';
import { numericFeatureStats, type NumericFeatureStats } from './feature-stats.js';
import { featureIndex, testError } from './test-errors.js';
import type { DirTest } from './test-file.js';
import type { TabularSubject } from './types.js';

/** Default DIR steps: the feature raised to 1, 2 and 3 deciles above each row's own rank in the reference rows. */
export const DIR_DEFAULT_QUANTILE_STEPS = Object.freeze([0.1, 0.2, 0.3]);

/**
 * The output column a DIR test watches: "P(class)" or a class name (classification), "value"
 * (regression). Without `output`: the positive class of a binary model, the value of a regression.
 */
export function dirOutputColumn(test: DirTest, subject: Pick<TabularSubject, 'task' | 'classes'>): { column: number; label: string } {
  if (subject.task === 'regression') {
    if (test.output !== undefined && test.output !== 'value') throw testError(test, 'output', `"${test.output}" names no output of a regression model.`, 'Use "value" or leave "output" out.');
    return { column: 0, label: 'value' };
  }
  if (test.output === undefined) {
    if (subject.task === 'binary') return { column: subject.classes.length - 1, label: `P(${subject.classes.at(-1)!})` };
    throw testError(test, 'output', 'a multiclass model has no default output to watch.', `Name one: ${subject.classes.map((c) => `"P(${c})"`).join(', ')}.`);
  }
  const inner = /^P\((.*)\)$/.exec(test.output)?.[1] ?? test.output;
  const column = subject.classes.indexOf(inner);
  if (column < 0) throw testError(test, 'output', `"${test.output}" names no class of the model.`, `Use one of ${subject.classes.map((c) => `"P(${c})"`).join(', ')}.`);
  return { column, label: `P(${inner})` };
}

/** Per row: the points of its path (original first), and the perturbed rows that score them. */
export interface DirPaths {
  /** Perturbed rows (every point after the original), grouped by source row in path order. */
  readonly raw: RawMatrix;
  readonly source: Int32Array;
  /** The feature's value at each perturbed row. */
  readonly values: Float64Array;
}

/** Empirical CDF of x on sorted reference values: the share of values ≤ x. */
function rank(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length ? lo / sorted.length : 0;
}

/**
 * The raised values of one row: `x + step` for declared steps; by default the reference quantiles at
 * rank(x) + 0.1, 0.2, 0.3 (capped at the maximum), rounded up for integer features. Only points strictly
 * above the previous one are kept, so a row at the top of the range has no path and is not tested.
 */
export function raisedValues(x: number, stats: NumericFeatureStats, steps: readonly number[] | undefined): number[] {
  const out: number[] = [];
  let last = x;
  const raw = steps ? steps.map((s) => x + s) : DIR_DEFAULT_QUANTILE_STEPS.map((q) => quantileSorted(stats.sorted, Math.min(1, rank(stats.sorted, x) + q)));
  for (const r of raw) {
    const v = stats.integer ? Math.ceil(r) : r;
    if (v > last) {
      out.push(v);
      last = v;
    }
  }
  return out;
}

/** Builds every row's path of raised values as one batch of rows. */
export function dirPaths(test: DirTest, subject: TabularSubject): { paths: DirPaths; column: number; stats: NumericFeatureStats } {
  const j = featureIndex(test, 'feature', test.feature, subject.features, 'numeric');
  const stats = numericFeatureStats(subject.reference ?? subject.rows, j);
  const { rows } = subject;
  const f = rows.nFeatures;
  const data: number[] = [];
  const source: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows.nRows; i++) {
    const x = rows.data[i * f + j]!;
    if (!Number.isFinite(x)) continue;
    for (const v of raisedValues(x, stats, test.steps)) {
      for (let k = 0; k < f; k++) data.push(k === j ? v : rows.data[i * f + k]!);
      source.push(i);
      values.push(v);
    }
  }
  return { paths: { raw: { data: Float64Array.from(data), nRows: source.length, nFeatures: f }, source: Int32Array.from(source), values: Float64Array.from(values) }, column: j, stats };
}

/** Per row: tested, violated, the largest move against the direction, and where on the path it happened. */
export interface DirOutcomes {
  readonly tested: Uint8Array;
  readonly violated: Uint8Array;
  readonly change: Float64Array;
  /** Perturbed-row index of the point after the worst move (−1 when none), and of the point before it (−1 = the original). */
  readonly worstAfter: Int32Array;
  readonly worstBefore: Int32Array;
}

/**
 * CheckList's `Expect.monotonic` along a path: raising the feature from one point to the next must not
 * move the watched output against the declared direction by more than `tolerance`. A row is violated
 * when any consecutive pair on its path does.
 */
export function dirOutcomes(original: Float32Array, perturbed: Float32Array, source: Int32Array, nRows: number, width: number, column: number, increasing: boolean, tolerance: number): DirOutcomes {
  const tested = new Uint8Array(nRows);
  const violated = new Uint8Array(nRows);
  const change = new Float64Array(nRows);
  const worstAfter = new Int32Array(nRows).fill(-1);
  const worstBefore = new Int32Array(nRows).fill(-1);
  for (let k = 0; k < source.length; k++) {
    const i = source[k]!;
    const first = k === 0 || source[k - 1] !== i;
    const prev = first ? original[i * width + column]! : perturbed[(k - 1) * width + column]!;
    const next = perturbed[k * width + column]!;
    tested[i] = 1;
    const against = increasing ? prev - next : next - prev;
    if (against > tolerance && against > change[i]!) {
      violated[i] = 1;
      change[i] = against;
      worstAfter[i] = k;
      worstBefore[i] = first ? -1 : k - 1;
    }
  }
  return { tested, violated, change, worstAfter, worstBefore };
}
