import { GlassboxError } from '../errors.js';
import { toRng } from '../rng.js';
import type { Rng } from '../rng.js';
import type { Grouping } from '../math/stats/groups.js';
import { interpolate, upperHull } from './hull.js';
import type { OperatingPoint } from './hull.js';

/** Fairlearn's constraint names; 'equal_opportunity' is accepted for 'true_positive_rate_parity'. */
export type FairnessConstraint = 'demographic_parity' | 'equalized_odds' | 'true_positive_rate_parity';

export interface ThresholdRule {
  /** Predict positive iff score ≥ threshold; null = never. */
  readonly threshold: number | null;
  readonly probability: number;
}

export interface GroupPolicy {
  readonly group: string;
  /** With this probability the group's rows get the constant randomized prediction instead of the rules. */
  readonly pIgnore: number;
  /** P(positive) of that constant prediction. */
  readonly constant: number;
  readonly rules: readonly ThresholdRule[];
}

/** Exportable group-threshold policy (JSON). */
export interface ThresholdPolicy {
  readonly version: 1;
  readonly method: 'threshold-optimizer';
  readonly constraint: FairnessConstraint;
  readonly objective: 'accuracy';
  readonly gridSize: number;
  readonly grouping: string;
  /** The common rate chosen on the grid (selection rate, FPR or TPR). */
  readonly rate: number;
  readonly groups: readonly GroupPolicy[];
  /** Threshold for rows whose group the policy does not know. */
  readonly fallbackThreshold: number;
}

interface GroupData {
  readonly group: string;
  readonly n: number;
  readonly positives: number;
  readonly points: { sel: number; tpr: number; fpr: number; acc: number; threshold: number | null }[];
}

function groupData(grouping: Grouping, labels: Uint8Array, scores: Float64Array, constraint: FairnessConstraint): GroupData[] {
  const out: GroupData[] = [];
  grouping.labels.forEach((group, g) => {
    const rows: number[] = [];
    for (let i = 0; i < labels.length; i++) if (grouping.codes[i] === g) rows.push(i);
    if (rows.length === 0) return;
    rows.sort((a, b) => scores[b]! - scores[a]!);
    const n = rows.length;
    const P = rows.reduce((a, i) => a + labels[i]!, 0);
    const N = n - P;
    if (constraint !== 'demographic_parity' && (P === 0 || N === 0)) {
      throw new GlassboxError('invalid_input', `Group "${group}" of "${grouping.name}" has ${P === 0 ? 'no positive' : 'no negative'} labels, so its ${constraint === 'equalized_odds' ? 'TPR/FPR are' : 'TPR is'} undefined.`, { argument: 'constraint', column: grouping.name, hint: 'Use demographic_parity, merge small groups, or audit more rows.' });
    }
    const points: GroupData['points'] = [{ sel: 0, tpr: 0, fpr: 0, acc: N / n, threshold: null }];
    let tp = 0;
    let fp = 0;
    for (let k = 0; k < n; k++) {
      const i = rows[k]!;
      if (labels[i]) tp++;
      else fp++;
      if (k + 1 < n && scores[rows[k + 1]!] === scores[i]) continue;
      points.push({ sel: (tp + fp) / n, tpr: P ? tp / P : 0, fpr: N ? fp / N : 0, acc: (tp + N - fp) / n, threshold: scores[i]! });
    }
    out.push({ group, n, positives: P, points });
  });
  return out;
}

function hullFor(d: GroupData, constraint: FairnessConstraint): OperatingPoint[] {
  const xy = (p: GroupData['points'][number]): OperatingPoint =>
    constraint === 'demographic_parity' ? { x: p.sel, y: p.acc, threshold: p.threshold } : constraint === 'equalized_odds' ? { x: p.fpr, y: p.tpr, threshold: p.threshold } : { x: p.tpr, y: p.acc, threshold: p.threshold };
  return upperHull(d.points.map(xy));
}

function rules(a: OperatingPoint, b: OperatingPoint, p: number): ThresholdRule[] {
  return p === 0 || a === b ? [{ threshold: a.threshold, probability: 1 }] : [{ threshold: a.threshold, probability: 1 - p }, { threshold: b.threshold, probability: p }];
}

/**
 * Post-processing threshold optimizer (Hardt, Price & Srebro, "Equality of opportunity in supervised
 * learning", NeurIPS 2016), following Fairlearn's ThresholdOptimizer: per-group ROC-style curves, their
 * upper convex hulls (randomizing between two thresholds reaches any point on a hull), a grid of
 * `gridSize` + 1 common rates in [0, 1], and the rate maximizing accuracy. Demographic parity equalizes
 * selection rates, true-positive-rate parity (equal opportunity) TPRs, equalized odds both TPR and FPR
 * (groups whose hull lies above the common point mix in a constant predictor, Fairlearn's p_ignore).
 */
export function fitThresholdOptimizer(grouping: Grouping, labels: Uint8Array, scores: Float64Array, options: { constraint?: FairnessConstraint | 'equal_opportunity'; gridSize?: number } = {}): ThresholdPolicy {
  const constraint: FairnessConstraint = options.constraint === 'equal_opportunity' ? 'true_positive_rate_parity' : options.constraint ?? 'demographic_parity';
  const gridSize = options.gridSize ?? 1000;
  if (labels.length !== scores.length || grouping.codes.length !== scores.length) {
    throw new GlassboxError('shape_mismatch', `labels (${labels.length}), scores (${scores.length}) and grouping "${grouping.name}" (${grouping.codes.length}) differ in length.`, { argument: 'scores', hint: 'Pass aligned arrays.' });
  }
  const data = groupData(grouping, labels, scores, constraint);
  if (data.length === 0) throw new GlassboxError('invalid_input', `Grouping "${grouping.name}" has no rows.`, { argument: 'grouping', hint: 'Check the protected attribute column.' });
  const hulls = data.map((d) => hullFor(d, constraint));
  const total = data.reduce((a, d) => a + d.n, 0);
  const P = data.reduce((a, d) => a + d.positives, 0);
  let bestX = 0;
  let bestObjective = -Infinity;
  for (let k = 0; k <= gridSize; k++) {
    const x = k / gridSize;
    let objective: number;
    if (constraint === 'equalized_odds') {
      const y = Math.min(...hulls.map((h) => interpolate(h, x).y));
      objective = (P * y + (total - P) * (1 - x)) / total;
    } else objective = hulls.reduce((a, h, g) => a + (data[g]!.n / total) * interpolate(h, x).y, 0);
    if (objective > bestObjective + 1e-15) {
      bestObjective = objective;
      bestX = x;
    }
  }
  const yStar = constraint === 'equalized_odds' ? Math.min(...hulls.map((h) => interpolate(h, bestX).y)) : Number.NaN;
  const groups = data.map((d, g) => {
    const it = interpolate(hulls[g]!, bestX);
    const pIgnore = constraint === 'equalized_odds' && it.y !== bestX ? Math.max(0, Math.min(1, (it.y - yStar) / (it.y - bestX))) : 0;
    return { group: d.group, pIgnore, constant: bestX, rules: rules(it.a, it.b, it.p) };
  });
  return { version: 1, method: 'threshold-optimizer', constraint, objective: 'accuracy', gridSize, grouping: grouping.name, rate: bestX, groups, fallbackThreshold: 0.5 };
}

function policyFor(policy: ThresholdPolicy, grouping: Grouping): (GroupPolicy | undefined)[] {
  const byName = new Map(policy.groups.map((g) => [g.group, g]));
  return grouping.labels.map((l) => byName.get(l));
}

const fires = (rule: ThresholdRule, score: number): boolean => rule.threshold !== null && score >= rule.threshold;

/** P(positive) per row under the policy (its expected decision; no randomness). */
export function policyProbabilities(policy: ThresholdPolicy, grouping: Grouping, scores: Float64Array): Float64Array {
  const per = policyFor(policy, grouping);
  return Float64Array.from(scores, (s, i) => {
    const gp = grouping.codes[i]! >= 0 ? per[grouping.codes[i]!] : undefined;
    if (!gp) return s >= policy.fallbackThreshold ? 1 : 0;
    const ruled = gp.rules.reduce((a, r) => a + r.probability * (fires(r, s) ? 1 : 0), 0);
    return gp.pIgnore * gp.constant + (1 - gp.pIgnore) * ruled;
  });
}

/** Applies a policy with seeded randomization: same seed → same decisions. Unknown groups use the fallback threshold. */
export function applyThresholdPolicy(policy: ThresholdPolicy, grouping: Grouping, scores: Float64Array, seed: number | Rng = 0): Uint8Array {
  const rng = toRng(seed);
  const per = policyFor(policy, grouping);
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    const gp = grouping.codes[i]! >= 0 ? per[grouping.codes[i]!] : undefined;
    if (!gp) {
      out[i] = s >= policy.fallbackThreshold ? 1 : 0;
      continue;
    }
    if (gp.pIgnore > 0 && rng.next() < gp.pIgnore) {
      out[i] = rng.next() < gp.constant ? 1 : 0;
      continue;
    }
    const u = rng.next();
    let acc = 0;
    let rule = gp.rules[gp.rules.length - 1]!;
    for (const r of gp.rules) {
      acc += r.probability;
      if (u < acc) {
        rule = r;
        break;
      }
    }
    out[i] = fires(rule, s) ? 1 : 0;
  }
  return out;
}
