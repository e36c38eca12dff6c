import { GlassboxError } from '../errors.js';
import type { Grouping } from '../math/stats/groups.js';
import { wilsonInterval } from '../math/stats/wilson.js';

/**
 * The What-If Tool's threshold strategies for a binary classifier (Wexler et al. 2019, "The What-If Tool",
 * fairness panel): one threshold for everyone, or one per group chosen to maximise accuracy, optionally
 * under a parity constraint on a per-group rate.
 */
export type ThresholdStrategy = 'single' | 'group' | 'demographic_parity' | 'equal_opportunity' | 'equal_accuracy';
export const THRESHOLD_STRATEGIES: readonly ThresholdStrategy[] = ['single', 'group', 'demographic_parity', 'equal_opportunity', 'equal_accuracy'];

export interface RateWithInterval {
  readonly value: number | null;
  /** 95% Wilson score interval; null when the rate is undefined. */
  readonly interval: { readonly low: number; readonly high: number; readonly level: number; readonly method: string } | null;
}

export interface GroupOperatingPoint {
  readonly group: string;
  readonly threshold: number;
  readonly n: number;
  readonly selectionRate: RateWithInterval;
  readonly truePositiveRate: RateWithInterval;
  readonly falsePositiveRate: RateWithInterval;
  readonly accuracy: RateWithInterval;
}

export interface StrategyResult {
  readonly strategy: ThresholdStrategy | 'custom';
  readonly grouping: string;
  readonly groups: readonly GroupOperatingPoint[];
  /** Accuracy over every grouped row at these thresholds. */
  readonly accuracy: number;
  /** The largest difference between groups of the constrained rate (0 for unconstrained strategies). */
  readonly gap: number;
  /** Thresholds searched: 0, 1/steps, …, 1. */
  readonly steps: number;
}

/** Per group and per grid threshold t_k = k / steps: counts of rows, positives, selections and true positives (score ≥ t_k). */
interface Counts {
  readonly n: Float64Array;
  readonly pos: Float64Array;
  /** [g * (steps + 1) + k] */
  readonly sel: Float64Array;
  readonly tp: Float64Array;
}

function countAtThresholds(grouping: Grouping, labels: Uint8Array, scores: Float64Array, steps: number): Counts {
  const g = grouping.labels.length;
  const width = steps + 1;
  const n = new Float64Array(g);
  const pos = new Float64Array(g);
  // histogram of scores per group on the grid, then a suffix sum gives "score ≥ t_k"
  const sel = new Float64Array(g * width);
  const tp = new Float64Array(g * width);
  for (let i = 0; i < labels.length; i++) {
    const c = grouping.codes[i]!;
    if (c < 0) continue;
    const s = scores[i]!;
    if (!Number.isFinite(s)) throw new GlassboxError('invalid_input', `Score of row ${i} is ${s}; thresholds need finite scores.`, { row: i, argument: 'scores' });
    const bin = Math.min(steps, Math.max(0, Math.floor(s * steps + 1e-9)));
    n[c]!++;
    pos[c]! += labels[i]!;
    sel[c * width + bin]!++;
    tp[c * width + bin]! += labels[i]!;
  }
  for (let c = 0; c < g; c++) {
    for (let k = steps - 1; k >= 0; k--) {
      sel[c * width + k]! += sel[c * width + k + 1]!;
      tp[c * width + k]! += tp[c * width + k + 1]!;
    }
  }
  return { n, pos, sel, tp };
}

const rate = (num: number, den: number): RateWithInterval => (den === 0 ? { value: null, interval: null } : { value: num / den, interval: wilsonInterval(num, den) });

function correct(counts: Counts, c: number, k: number, width: number): number {
  const tp = counts.tp[c * width + k]!;
  const fp = counts.sel[c * width + k]! - tp;
  return tp + (counts.n[c]! - counts.pos[c]! - fp);
}

/** The per-group rate a parity strategy equalises, at grid index k; null when undefined for the group. */
function constrained(strategy: ThresholdStrategy, counts: Counts, c: number, k: number, width: number): number | null {
  const n = counts.n[c]!;
  if (strategy === 'demographic_parity') return counts.sel[c * width + k]! / n;
  if (strategy === 'equal_opportunity') return counts.pos[c]! === 0 ? null : counts.tp[c * width + k]! / counts.pos[c]!;
  return correct(counts, c, k, width) / n;
}

/**
 * Thresholds for `strategy` on a grid of `steps` + 1 values in [0, 1] (decision: score ≥ threshold), and the
 * per-group rates they give, each with a 95% Wilson interval.
 * - `single`: the one threshold with the best overall accuracy;
 * - `group`: each group's own most accurate threshold;
 * - `demographic_parity`, `equal_opportunity`, `equal_accuracy`: for each threshold of the largest group, every
 *   other group takes the threshold whose selection rate / true-positive rate / accuracy is nearest; the
 *   combination with the best overall accuracy among those whose largest gap is within `tolerance` wins
 *   (the smallest gap when none is), as the What-If Tool's optimiser does on its grid.
 */
export function thresholdStrategy(grouping: Grouping, labels: Uint8Array, scores: Float64Array, strategy: ThresholdStrategy, options: { steps?: number; tolerance?: number } = {}): StrategyResult {
  if (!THRESHOLD_STRATEGIES.includes(strategy)) throw new GlassboxError('invalid_argument', `Unknown threshold strategy "${strategy}".`, { argument: 'strategy', hint: `Use one of: ${THRESHOLD_STRATEGIES.join(', ')}.` });
  const steps = options.steps ?? 100;
  const tolerance = options.tolerance ?? 0.01;
  if (labels.length !== scores.length || grouping.codes.length !== labels.length) throw new GlassboxError('shape_mismatch', `Grouping "${grouping.name}" has ${grouping.codes.length} rows, labels ${labels.length}, scores ${scores.length}.`, { argument: 'scores' });
  const counts = countAtThresholds(grouping, labels, scores, steps);
  const width = steps + 1;
  const present = grouping.labels.map((_, c) => c).filter((c) => counts.n[c]! > 0);
  const total = present.reduce((s, c) => s + counts.n[c]!, 0);
  const accuracyOf = (ks: ReadonlyMap<number, number>): number => present.reduce((s, c) => s + correct(counts, c, ks.get(c)!, width), 0) / total;
  let best = new Map<number, number>();
  let gap = 0;
  if (strategy === 'single' || strategy === 'group') {
    const grid = Array.from({ length: width }, (_, k) => k);
    if (strategy === 'single') {
      const k = argmaxBy(grid, (k) => accuracyOf(new Map(present.map((c) => [c, k]))));
      best = new Map(present.map((c) => [c, k]));
    } else for (const c of present) best.set(c, argmaxBy(grid, (k) => correct(counts, c, k, width)));
  } else {
    const anchor = argmaxBy(present, (c) => counts.n[c]!);
    let bestScore = -Infinity;
    for (let k0 = 0; k0 < width; k0++) {
      const target = constrained(strategy, counts, anchor, k0, width);
      if (target === null) continue;
      const ks = new Map<number, number>([[anchor, k0]]);
      let worst = 0;
      for (const c of present) {
        if (c === anchor) continue;
        let bestK = 0;
        let bestDistance = Infinity;
        for (let k = 0; k < width; k++) {
          const r = constrained(strategy, counts, c, k, width);
          const d = r === null ? 0 : Math.abs(r - target);
          if (d < bestDistance - 1e-12) {
            bestDistance = d;
            bestK = k;
          }
        }
        ks.set(c, bestK);
        worst = Math.max(worst, bestDistance);
      }
      // feasible combinations rank by accuracy; infeasible ones only by how close they come
      const score = worst <= tolerance ? 1 + accuracyOf(ks) : -worst;
      if (score > bestScore) {
        bestScore = score;
        best = ks;
        gap = worst;
      }
    }
  }
  return operatingPoints(grouping, counts, strategy, present.map((c) => [c, best.get(c)! / steps] as const), steps, gap, total);
}

/** The per-group rates at given thresholds (the dashboard's sliders): decision score ≥ threshold, thresholds snapped to the grid. */
export function thresholdRates(grouping: Grouping, labels: Uint8Array, scores: Float64Array, thresholds: Readonly<Record<string, number>>, options: { steps?: number } = {}): StrategyResult {
  const steps = options.steps ?? 100;
  const counts = countAtThresholds(grouping, labels, scores, steps);
  const present = grouping.labels.map((_, c) => c).filter((c) => counts.n[c]! > 0);
  const total = present.reduce((s, c) => s + counts.n[c]!, 0);
  const chosen = present.map((c) => {
    const t = thresholds[grouping.labels[c]!] ?? 0.5;
    if (!(t >= 0 && t <= 1)) throw new GlassboxError('invalid_argument', `Threshold ${t} for group "${grouping.labels[c]}" is outside [0, 1].`, { argument: 'thresholds' });
    return [c, Math.round(t * steps) / steps] as const;
  });
  return operatingPoints(grouping, counts, 'custom', chosen, steps, 0, total);
}

function operatingPoints(grouping: Grouping, counts: Counts, strategy: StrategyResult['strategy'], chosen: readonly (readonly [number, number])[], steps: number, gap: number, total: number): StrategyResult {
  const width = steps + 1;
  let right = 0;
  const groups = chosen.map(([c, threshold]) => {
    const k = Math.round(threshold * steps);
    const n = counts.n[c]!;
    const pos = counts.pos[c]!;
    const sel = counts.sel[c * width + k]!;
    const tp = counts.tp[c * width + k]!;
    const ok = correct(counts, c, k, width);
    right += ok;
    return { group: grouping.labels[c]!, threshold, n, selectionRate: rate(sel, n), truePositiveRate: rate(tp, pos), falsePositiveRate: rate(sel - tp, n - pos), accuracy: rate(ok, n) };
  });
  return { strategy, grouping: grouping.name, groups, accuracy: right / total, gap, steps };
}

function argmaxBy<T>(items: readonly T[], score: (item: T) => number): T {
  let best = items[0] as T;
  let bestScore = -Infinity;
  for (const item of items) {
    const s = score(item);
    if (s > bestScore) {
      bestScore = s;
      best = item;
    }
  }
  return best;
}
