import { wilsonInterval } from '../../math/stats/wilson.js';
import type { ConfidenceInterval } from '../../math/stats/interval.js';
import { predictionChange, type ChangeRule } from './prediction-change.js';
import type { RowOutcomes } from './types.js';

/** Per audited row: tested/violated, and the perturbed row with the largest change in a violation (−1 if none). */
export interface InvarianceOutcomes extends RowOutcomes {
  readonly worst: Int32Array;
  readonly change: Float64Array;
}

/**
 * CheckList's INV aggregation: a row (test case) is tested when at least one perturbed copy of it was
 * scored, and violated when any copy's prediction changed (see prediction-change.ts).
 */
export function invarianceOutcomes(original: Float32Array, perturbed: Float32Array, source: Int32Array, nRows: number, rule: ChangeRule): InvarianceOutcomes {
  const tested = new Uint8Array(nRows);
  const violated = new Uint8Array(nRows);
  const worst = new Int32Array(nRows).fill(-1);
  const change = new Float64Array(nRows);
  for (let k = 0; k < source.length; k++) {
    const i = source[k]!;
    tested[i] = 1;
    const c = predictionChange(original, i, perturbed, k, rule);
    if (!c.violated) continue;
    violated[i] = 1;
    if (worst[i]! < 0 || c.change > change[i]!) {
      worst[i] = k;
      change[i] = c.change;
    }
  }
  return { tested, violated, worst, change };
}

/** Counts, rate and Wilson interval of a 0/1 outcome over tested cases; rate and interval null when n = 0. */
export function violationSummary(tested: Uint8Array, violated: Uint8Array, level: number): { n: number; violations: number; violationRate: number | null; interval: ConfidenceInterval | null } {
  let n = 0;
  let violations = 0;
  for (let i = 0; i < tested.length; i++) {
    if (!tested[i]) continue;
    n++;
    violations += violated[i]!;
  }
  return { n, violations, violationRate: n > 0 ? violations / n : null, interval: n > 0 ? wilsonInterval(violations, n, level) : null };
}

/** Indices of the `k` violated rows with the largest change (ties: lower index first). */
export function worstRows(violated: Uint8Array, change: Float64Array, k: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < violated.length; i++) if (violated[i]) rows.push(i);
  return rows.sort((a, b) => change[b]! - change[a]! || a - b).slice(0, k);
}
