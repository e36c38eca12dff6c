import type { Column, Table } from '../../data/table.js';
import { Rng } from '../../rng.js';

/** A planted shift in the current sample: which feature, and how it moves. */
export type PlantedShift =
  | { readonly kind: 'mean'; readonly feature: number; readonly delta: number }
  | { readonly kind: 'scale'; readonly feature: number; readonly factor: number }
  | { readonly kind: 'proportions'; readonly feature: number; readonly to: readonly number[] };

export interface DriftSimulation {
  /** Numeric features, each N(0, 1) in the reference. */
  readonly numeric: number;
  /** Categorical features, each with these category probabilities in the reference. */
  readonly categorical: number;
  readonly categoryProbabilities: readonly number[];
  readonly nReference: number;
  readonly nCurrent: number;
  /** Shifts applied to the current sample; none = the null (same distribution). */
  readonly shifts?: readonly PlantedShift[];
}

/**
 * Two tables from a known generator for drift trials: independent N(0, 1) numeric features x0…x(p−1) and
 * categorical features c0…c(q−1) with the given probabilities; the current table applies the planted shifts
 * (x ↦ x + δ, x ↦ x·factor, or new category probabilities). Numeric features are indexed first, then
 * categorical ones (feature index numeric + j is c_j). Deterministic under the seed.
 */
export function simulateDrift(spec: DriftSimulation, seed: number): { reference: Table; current: Table } {
  const rng = new Rng(seed);
  return { reference: sample(spec, spec.nReference, [], rng), current: sample(spec, spec.nCurrent, spec.shifts ?? [], rng) };
}

function sample(spec: DriftSimulation, n: number, shifts: readonly PlantedShift[], rng: Rng): Table {
  const columns: Column[] = [];
  for (let f = 0; f < spec.numeric; f++) {
    const values = new Float64Array(n);
    const mean = shifts.find((s) => s.kind === 'mean' && s.feature === f);
    const scale = shifts.find((s) => s.kind === 'scale' && s.feature === f);
    const delta = mean?.kind === 'mean' ? mean.delta : 0;
    const factor = scale?.kind === 'scale' ? scale.factor : 1;
    for (let i = 0; i < n; i++) values[i] = rng.normal() * factor + delta;
    columns.push({ kind: 'numeric', name: `x${f}`, values });
  }
  const k = spec.categoryProbabilities.length;
  for (let c = 0; c < spec.categorical; c++) {
    const moved = shifts.find((s) => s.kind === 'proportions' && s.feature === spec.numeric + c);
    const probs = moved?.kind === 'proportions' ? moved.to : spec.categoryProbabilities;
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let u = rng.next();
      let code = 0;
      while (code < k - 1 && u >= probs[code]!) u -= probs[code++]!;
      codes[i] = code;
    }
    columns.push({ kind: 'categorical', name: `c${c}`, codes, categories: Array.from({ length: k }, (_, j) => `cat${j}`) });
  }
  return { nRows: n, columns, rowIds: Int32Array.from({ length: n }, (_, i) => i) };
}
