import { GlassboxError, throwIfAborted } from '../errors.js';
import { Rng } from '../rng.js';
import { confusionRates, rateOrNull } from '../math/stats/group-confusion.js';
import type { ConfusionRates } from '../math/stats/group-confusion.js';
import { wilsonInterval } from '../math/stats/wilson.js';
import { groupSums, subsetsUpTo } from './group-counts.js';
import type { GroupSums } from './group-counts.js';
import { meanIntervals } from './group-intervals.js';
import type { GroupInterval } from './group-intervals.js';
import type { Grouping } from './groupings.js';
import type { Outcomes } from './outcomes.js';
import { rowLogLoss } from './outcomes.js';

/** Metrics of one group (JSON field names are stable; null = undefined, e.g. a 0/0 rate; see ConfusionRates). */
export interface GroupRow extends ConfusionRates {
  /** Attribute → group label, e.g. { sex: 'female', age: '<25' }; {} for all rows. */
  readonly key: Readonly<Record<string, string>>;
  /** Labels joined with "|", e.g. "female|<25"; "all" for all rows. */
  readonly group: string;
  readonly n: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly nPositiveLabel: number;
  readonly nNegativeLabel: number;
  /** Mean log loss of P(label) (null without scores). */
  readonly logLoss: number | null;
  /** Mean (score − label)² (null without scores). */
  readonly brier: number | null;
  /** Calibration-in-the-large: mean score − positive-label rate (> 0: over-predicts positives). */
  readonly calibrationGap: number | null;
  /** Wilson intervals for the rates, bootstrap intervals for logLoss, brier and calibrationGap. */
  readonly intervals: Readonly<Record<string, GroupInterval>>;
}

/** All groups of one combination of attributes. */
export interface GroupTable {
  readonly attributes: readonly string[];
  /** Attribute names joined with "_x_". */
  readonly name: string;
  readonly rows: readonly GroupRow[];
}

export interface Disaggregation {
  readonly overall: GroupRow;
  readonly tables: readonly GroupTable[];
  readonly level: number;
}

export interface DisaggregateOptions {
  /** Largest number of attributes intersected (default 2). */
  readonly maxOrder?: number;
  /** Interval level (default 0.95). */
  readonly level?: number;
  /** Bootstrap replicates for logLoss, brier and calibrationGap (default 1000; 0 = no intervals). */
  readonly bootstrapIterations?: number;
  /** Groups above this size get a normal interval instead of a bootstrap (default 20000). */
  readonly maxBootstrapRows?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

const RATE_KEYS = ['accuracy', 'errorRate', 'ppv', 'tpr', 'fpr', 'fnr', 'selectionRate'] as const;

function rowFromSums(s: GroupSums, groupings: readonly Grouping[], level: number, withScores: boolean): Omit<GroupRow, 'intervals'> & { intervals: Record<string, GroupInterval> } {
  const key: Record<string, string> = {};
  s.set.forEach((j, i) => (key[groupings[j]!.name] = groupings[j]!.labels[s.codes[i]!] ?? String(s.codes[i])));
  const { n, tp, fp, tn, fn } = s;
  const positives = tp + fn;
  const counts: Record<(typeof RATE_KEYS)[number], [number, number]> = {
    accuracy: [tp + tn, n],
    errorRate: [fp + fn, n],
    ppv: [tp, tp + fp],
    tpr: [tp, tp + fn],
    fpr: [fp, fp + tn],
    fnr: [fn, tp + fn],
    selectionRate: [tp + fp, n],
  };
  const intervals: Record<string, GroupInterval> = {};
  for (const k of RATE_KEYS) {
    const [x, m] = counts[k];
    const ci = wilsonInterval(x, m, level);
    intervals[k] = { low: m === 0 ? null : ci.low, high: m === 0 ? null : ci.high, method: 'wilson' };
  }
  return {
    key,
    group: s.set.length === 0 ? 'all' : Object.values(key).join('|'),
    n, tp, fp, tn, fn,
    nPositiveLabel: positives,
    nNegativeLabel: n - positives,
    ...confusionRates(s),
    logLoss: withScores ? rateOrNull(s.lossSum, n) : null,
    brier: withScores ? rateOrNull(s.brierSum, n) : null,
    calibrationGap: withScores ? (s.scoreSum - positives) / n : null,
    intervals,
  };
}

/** Row indices of every group of a grouping set, keyed by the codes joined with ",". */
function rowsBySet(groupings: readonly Grouping[], set: readonly number[], n: number): Map<string, Int32Array> {
  const lists = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    let key = '';
    let skip = false;
    for (const j of set) {
      const c = groupings[j]!.codes[i]!;
      if (c < 0) skip = true;
      key += key ? `,${c}` : `${c}`;
    }
    if (skip) continue;
    let list = lists.get(key);
    if (!list) lists.set(key, (list = []));
    list.push(i);
  }
  return new Map([...lists].map(([k, v]) => [k, Int32Array.from(v)]));
}

function checkInputs(groupings: readonly Grouping[], outcomes: Outcomes, maxOrder: number): void {
  for (const g of groupings) {
    if (g.codes.length !== outcomes.n) {
      throw new GlassboxError('shape_mismatch', `Grouping "${g.name}" has ${g.codes.length} rows but there are ${outcomes.n} predictions.`, { argument: 'groupings', column: g.name, hint: 'Build groupings from the same rows as the predictions.' });
    }
  }
  if (!Number.isInteger(maxOrder) || maxOrder < 1) {
    throw new GlassboxError('invalid_argument', `maxOrder must be an integer ≥ 1 (got ${maxOrder}).`, { argument: 'maxOrder', hint: 'e.g. --max-order 2 for pairwise intersections' });
  }
}

/**
 * Disaggregated metrics: for each attribute and every intersection of up to `maxOrder` attributes, the
 * confusion counts, rates (Wilson intervals) and, with scores, log loss, Brier and calibration gap
 * (bootstrap intervals), counted by math/stats countByGroup (the kernel fairness uses too). Rows with a missing group value
 * are left out of that attribute's groups but count in `overall`. Follows the per-group definitions of
 * Fairlearn's MetricFrame; rates are exact ratios of integer counts.
 */
export async function disaggregate(groupings: readonly Grouping[], outcomes: Outcomes, options: DisaggregateOptions = {}): Promise<Disaggregation> {
  const maxOrder = options.maxOrder ?? 2;
  checkInputs(groupings, outcomes, maxOrder);
  const level = options.level ?? 0.95;
  const sets = subsetsUpTo(groupings.length, maxOrder);
  const sums = await groupSums(groupings, outcomes, sets, options.signal);
  const withScores = outcomes.scores !== undefined;
  const rows = sums.map((s) => rowFromSums(s, groupings, level, withScores));
  const iterations = options.bootstrapIterations ?? 1000;
  if (withScores && iterations > 0) addBootstrap(rows, sums, groupings, outcomes, { ...options, iterations, level });
  const overallIndex = sums.findIndex((s) => s.set.length === 0);
  const tables = sets.map((set) => ({
    attributes: set.map((j) => groupings[j]!.name),
    name: set.map((j) => groupings[j]!.name).join('_x_'),
    rows: rows.filter((_, i) => sums[i]!.set.join(',') === set.join(',')),
  }));
  return { overall: rows[overallIndex]!, tables, level };
}

function addBootstrap(rows: { intervals: Record<string, GroupInterval> }[], sums: readonly GroupSums[], groupings: readonly Grouping[], outcomes: Outcomes, options: DisaggregateOptions & { iterations: number; level: number }): void {
  const n = outcomes.n;
  const loss = rowLogLoss(outcomes)!;
  const brier = new Float64Array(n);
  const gap = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = outcomes.scores![i]!;
    brier[i] = (s - outcomes.labels[i]!) ** 2;
    gap[i] = s - outcomes.labels[i]!;
  }
  const rng = new Rng(options.seed ?? 0);
  const cache = new Map<string, Map<string, Int32Array>>();
  const all = Int32Array.from({ length: n }, (_, i) => i);
  sums.forEach((s, i) => {
    throwIfAborted(options.signal);
    const setKey = s.set.join(',');
    let groups = cache.get(setKey);
    if (!groups && s.set.length > 0) cache.set(setKey, (groups = rowsBySet(groupings, s.set, n)));
    const members = s.set.length === 0 ? all : groups!.get(s.codes.join(',')) ?? new Int32Array(0);
    const [li, bi, gi] = meanIntervals([loss, brier, gap], members, { iterations: options.iterations, level: options.level, maxBootstrapRows: options.maxBootstrapRows ?? 20000 }, rng.fork());
    rows[i]!.intervals.logLoss = li!;
    rows[i]!.intervals.brier = bi!;
    rows[i]!.intervals.calibrationGap = gi!;
  });
}
