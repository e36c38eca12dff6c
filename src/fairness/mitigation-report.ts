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

/**
 * Fits the threshold optimizer on a seeded random half of the rows (or `fitFraction`) and reports accuracy
 * and fairness before (score ≥ threshold) and after (the randomized policy, seeded) on the held-out rows.
 */
export function thresholdMitigation(grouping: Grouping, labels: Uint8Array, scores: Float64Array, options: { constraint?: FairnessConstraint | 'equal_opportunity'; threshold?: number; fitFraction?: number; seed?: number; gridSize?: number } = {}): ThresholdMitigation {
  const rng = new Rng(options.seed ?? 0);
  const order = rng.permutation(labels.length);
  const cut = Math.round(labels.length * (options.fitFraction ?? 0.5));
  const fit = order.slice(0, cut).sort();
  const held = order.slice(cut).sort();
  const sub = (rows: Int32Array): Grouping => ({ name: grouping.name, labels: grouping.labels, codes: take(grouping.codes, rows) });
  const policy = fitThresholdOptimizer(sub(fit), take(labels, fit), take(scores, fit), { ...(options.constraint ? { constraint: options.constraint } : {}), ...(options.gridSize ? { gridSize: options.gridSize } : {}) });
  const g = sub(held);
  const y = take(labels, held);
  const s = take(scores, held);
  const threshold = options.threshold ?? 0.5;
  const before = Uint8Array.from(s, (v) => (v >= threshold ? 1 : 0));
  const after = applyThresholdPolicy(policy, g, s, rng.fork());
  return { policy, fitRows: fit.length, heldOutRows: held.length, before: side(g, y, before), after: side(g, y, after) };
}
