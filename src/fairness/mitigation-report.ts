import { Rng } from '../rng.js';
import type { Grouping } from '../math/stats/groups.js';
import { fairnessSummary } from './group-metrics.js';
import type { FairnessSummary } from './group-metrics.js';
import { applyThresholdPolicy, fitThresholdOptimizer } from './threshold-optimizer.js';
import type { FairnessConstraint, ThresholdPolicy } from './threshold-optimizer.js';

export interface MitigationSide {
  readonly accuracy: number;
  readonly summary: FairnessSummary;
}

export interface ThresholdMitigation {
  readonly policy: ThresholdPolicy;
  /** Rows used to fit and the held-out rows evaluated (indices into the audited rows). */
  readonly fitRows: number;
  readonly heldOutRows: number;
  readonly before: MitigationSide;
  readonly after: MitigationSide;
}

function take<T extends Uint8Array | Float64Array | Int32Array>(values: T, rows: Int32Array): T {
  const out = new (values.constructor as new (n: number) => T)(rows.length);
  rows.forEach((r, k) => (out[k] = values[r]!));
  return out;
}

function side(grouping: Grouping, labels: Uint8Array, decisions: Uint8Array): MitigationSide {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === decisions[i]) correct++;
  return { accuracy: correct / labels.length, summary: fairnessSummary(grouping, labels, decisions) };
}

/** The rows and decisions of a held-out threshold mitigation, for metrics of one's own choosing. */
export interface ThresholdMitigationRows {
  readonly policy: ThresholdPolicy;
  /** Rows the policy was fitted on and the held-out rows (sorted indices into the audited rows). */
  readonly fit: Int32Array;
  readonly heldOut: Int32Array;
  /** The held-out rows' grouping, labels, and decisions before (score ≥ threshold) and after (the policy). */
  readonly grouping: Grouping;
  readonly labels: Uint8Array;
  readonly before: Uint8Array;
  readonly after: Uint8Array;
}

export interface ThresholdMitigationOptions {
  readonly constraint?: FairnessConstraint | 'equal_opportunity';
  readonly threshold?: number;
  readonly fitFraction?: number;
  readonly seed?: number;
  readonly gridSize?: number;
}

/**
 * Fits the threshold optimizer (Hardt, Price & Srebro 2016) on a seeded random half of the rows (or
 * `fitFraction`) and returns the held-out rows' decisions before (score ≥ threshold) and after (the
 * randomized policy, seeded). `glassbox mitigate --method threshold` and `fairness --mitigate threshold`
 * both go through it.
 */
export function thresholdMitigationRows(grouping: Grouping, labels: Uint8Array, scores: Float64Array, options: ThresholdMitigationOptions = {}): ThresholdMitigationRows {
  const rng = new Rng(options.seed ?? 0);
  const order = rng.permutation(labels.length);
  const cut = Math.round(labels.length * (options.fitFraction ?? 0.5));
  const fit = order.slice(0, cut).sort();
  const held = order.slice(cut).sort();
  const sub = (rows: Int32Array): Grouping => ({ name: grouping.name, labels: grouping.labels, codes: take(grouping.codes, rows) });
  const policy = fitThresholdOptimizer(sub(fit), take(labels, fit), take(scores, fit), { ...(options.constraint ? { constraint: options.constraint } : {}), ...(options.gridSize ? { gridSize: options.gridSize } : {}) });
  const g = sub(held);
  const s = take(scores, held);
  const threshold = options.threshold ?? 0.5;
  const before = Uint8Array.from(s, (v) => (v >= threshold ? 1 : 0));
  const after = applyThresholdPolicy(policy, g, s, rng.fork());
  return { policy, fit, heldOut: held, grouping: g, labels: take(labels, held), before, after };
}

/**
 * Fits the threshold optimizer on a seeded random half of the rows (or `fitFraction`) and reports accuracy
 * and fairness before (score ≥ threshold) and after (the randomized policy, seeded) on the held-out rows.
 */
export function thresholdMitigation(grouping: Grouping, labels: Uint8Array, scores: Float64Array, options: ThresholdMitigationOptions = {}): ThresholdMitigation {
  const rows = thresholdMitigationRows(grouping, labels, scores, options);
  return { policy: rows.policy, fitRows: rows.fit.length, heldOutRows: rows.heldOut.length, before: side(rows.grouping, rows.labels, rows.before), after: side(rows.grouping, rows.labels, rows.after) };
}
