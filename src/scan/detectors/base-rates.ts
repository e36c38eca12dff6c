import { stratifiedBootstrapInterval } from '../../math/stats/stratified-bootstrap.js';
import type { Interval } from '../../results/finding.js';

/** Resamples of the balanced-accuracy gap interval. */
export const BASE_RATE_BOOTSTRAP_ITERATIONS = 1000;

/** Per-class view of a set of rows: how often each class occurs and how often it is recognised. */
export interface ClassRates {
  readonly n: number;
  /** Share of the rows whose label is each class. */
  readonly baseRates: readonly number[];
  /** Recall per class (TNR and TPR for a binary task); NaN when the class does not occur. */
  readonly recalls: readonly number[];
  /** Mean recall over the classes that occur (balanced accuracy). */
  readonly balancedAccuracy: number;
}

/** Class rates over the rows where `member[i] === side`. */
export function classRates(member: Int8Array, side: 0 | 1, labels: ArrayLike<number>, predictions: ArrayLike<number>, k: number): ClassRates {
  const support = new Float64Array(k);
  const hits = new Float64Array(k);
  let n = 0;
  for (let i = 0; i < member.length; i++) {
    if (member[i] !== side) continue;
    const y = labels[i]!;
    n++;
    support[y]!++;
    if (predictions[i] === y) hits[y]!++;
  }
  const recalls = Array.from(support, (s, c) => (s > 0 ? hits[c]! / s : Number.NaN));
  const defined = recalls.filter((r) => !Number.isNaN(r));
  return { n, baseRates: Array.from(support, (s) => s / n), recalls, balancedAccuracy: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : Number.NaN };
}

/** Balanced accuracy of the rest minus that of the group, with a seeded stratified-bootstrap interval. */
export interface BalancedGap {
  readonly group: ClassRates;
  readonly rest: ClassRates;
  readonly gap: number;
  readonly interval: Interval;
}

/**
 * Whether an accuracy gap between a group and the rest survives when every class counts equally.
 * Accuracy mixes how well each class is recognised with how common it is: a group made almost only of
 * the easy class scores high accuracy even when the model never recognises its other class. Balanced
 * accuracy (Brodersen et al. 2010, "The balanced accuracy and its posterior distribution") removes the
 * base rates; the interval on its gap comes from a bias-corrected bootstrap stratified by
 * (group, class), so each resample keeps the group sizes and base rates of the data.
 *
 * `member[i]` is 1 for rows of the group, 0 for the rest and -1 for rows outside both.
 */
export function balancedAccuracyGap(member: Int8Array, labels: ArrayLike<number>, predictions: ArrayLike<number>, k: number, options: { level: number; seed: number }): BalancedGap {
  const strata = Int32Array.from(member, (m, i) => (m < 0 ? -1 : m * k + labels[i]!));
  const support = new Float64Array(2 * k);
  const hits = new Float64Array(2 * k);
  const statistic = (rows: Int32Array): number => {
    support.fill(0);
    hits.fill(0);
    for (const i of rows) {
      const s = strata[i]!;
      support[s]!++;
      if (predictions[i] === labels[i]) hits[s]!++;
    }
    const ba = (side: number): number => {
      let sum = 0;
      let m = 0;
      for (let c = 0; c < k; c++) {
        if (support[side * k + c]! === 0) continue;
        sum += hits[side * k + c]! / support[side * k + c]!;
        m++;
      }
      return m ? sum / m : Number.NaN;
    };
    return ba(0) - ba(1);
  };
  const what = `balanced accuracy gap (rest − group; ${BASE_RATE_BOOTSTRAP_ITERATIONS} resamples stratified by group and class, seed ${options.seed})`;
  const { estimate, ...interval } = stratifiedBootstrapInterval(strata, statistic, { iterations: BASE_RATE_BOOTSTRAP_ITERATIONS, level: options.level, seed: options.seed, what });
  return { group: classRates(member, 1, labels, predictions, k), rest: classRates(member, 0, labels, predictions, k), gap: estimate, interval };
}

/** What a balanced-accuracy gap says about an accuracy gap, in words and as evidence. */
export interface BaseRateReading {
  /** The group is significantly worse under balanced accuracy too (interval above 0). */
  readonly survives: boolean;
  /** The group is significantly better under balanced accuracy (interval below 0). */
  readonly reversed: boolean;
  readonly sentence: string;
  readonly evidence: Readonly<Record<string, unknown>>;
}

/**
 * Reads a balanced-accuracy gap beside the accuracy gap it qualifies: whether the gap survives once every
 * class counts equally, a sentence saying so with per-class recall and base rates, and the evidence fields.
 */
export function readBaseRates(b: BalancedGap, accuracyGap: number, classes: readonly string[], level: number): BaseRateReading {
  const fmt = (x: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
  const survives = b.interval.low > 0;
  const reversed = b.interval.high < 0;
  const ci = `${Math.round(level * 100)}% CI ${fmt(b.interval.low)}–${fmt(b.interval.high)}`;
  const perClass = classes.map((name, c) => `${name}: ${fmt(b.group.recalls[c]!)} vs ${fmt(b.rest.recalls[c]!)} (base rate ${fmt(b.group.baseRates[c]!)} vs ${fmt(b.rest.baseRates[c]!)})`).join('; ');
  const verdict = survives
    ? `${b.gap < 0.75 * accuracyGap ? 'Part of the gap comes from base rates, but b' : 'B'}alanced accuracy is also lower: ${fmt(b.group.balancedAccuracy)} against ${fmt(b.rest.balancedAccuracy)} (gap ${fmt(b.gap)}, ${ci}).`
    : `The gap comes from base rates: balanced accuracy is ${fmt(b.group.balancedAccuracy)} against ${fmt(b.rest.balancedAccuracy)} elsewhere (gap ${fmt(b.gap)}, ${ci}), so once each class counts equally these rows are ${reversed ? 'served better, not worse' : 'not served worse'}.`;
  return {
    survives,
    reversed,
    sentence: `${verdict} Recall per class, these rows vs the rest — ${perClass}.`,
    evidence: {
      balancedAccuracy: b.group.balancedAccuracy,
      restBalancedAccuracy: b.rest.balancedAccuracy,
      balancedAccuracyGap: b.gap,
      balancedAccuracyGapInterval: b.interval,
      drivenByBaseRates: !survives,
      recall: { group: b.group.recalls, rest: b.rest.recalls, classes },
      baseRates: { group: b.group.baseRates, rest: b.rest.baseRates },
    },
  };
}
