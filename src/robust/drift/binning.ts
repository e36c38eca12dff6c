import { quantileSorted } from '../../math/stats/index.js';

/** Decile bins: the interior edges are the reference's 10%, 20%, …, 90% quantiles. */
export const DEFAULT_BINS = 10;

/** How values fall into bins for PSI, Jensen–Shannon and the histogram charts. */
export interface Bins {
  /** Bin labels, e.g. "≤ 3.2", "(3.2, 5]", "> 9", or category labels; a last "(missing)" bin when any value is missing. */
  readonly labels: readonly string[];
  /** Counts per bin in the reference and the current sample. */
  readonly reference: Float64Array;
  readonly current: Float64Array;
}

export const MISSING_BIN = '(missing)';

/**
 * Numeric bins fixed by the reference sample: interior edges at its type-7 quantiles 1/k, …, (k−1)/k
 * (duplicates removed, so a variable with few distinct values gets fewer bins); bins are
 * (−∞, e₁], (e₁, e₂], …, (e_last, ∞), so both samples are counted on the same, reference-defined grid.
 * Missing values (NaN) get a bin of their own when either sample has one.
 */
export function numericBins(referenceSorted: Float64Array, currentSorted: Float64Array, missing: { reference: number; current: number }, k = DEFAULT_BINS): Bins {
  const edges: number[] = [];
  for (let i = 1; i < k; i++) {
    const e = quantileSorted(referenceSorted, i / k);
    if (Number.isFinite(e) && (edges.length === 0 || e > edges[edges.length - 1]!)) edges.push(e);
  }
  const nb = edges.length + 1;
  const withMissing = missing.reference + missing.current > 0;
  const reference = new Float64Array(nb + (withMissing ? 1 : 0));
  const current = new Float64Array(reference.length);
  countSorted(referenceSorted, edges, reference);
  countSorted(currentSorted, edges, current);
  if (withMissing) {
    reference[nb] = missing.reference;
    current[nb] = missing.current;
  }
  const fmt = (x: number): string => String(Number(x.toPrecision(4)));
  const labels = edges.length === 0 ? ['all values'] : [`≤ ${fmt(edges[0]!)}`, ...edges.slice(1).map((e, i) => `(${fmt(edges[i]!)}, ${fmt(e)}]`), `> ${fmt(edges[edges.length - 1]!)}`];
  return { labels: withMissing ? [...labels, MISSING_BIN] : labels, reference, current };
}

/** Counts of sorted values in the bins (−∞, e₁], (e₁, e₂], …, (e_last, ∞). */
function countSorted(sorted: Float64Array, edges: readonly number[], out: Float64Array): void {
  let bin = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (bin < edges.length && sorted[i]! > edges[bin]!) bin++;
    out[bin]! += 1;
  }
}

/** Categorical bins: one per category label seen in either sample (sorted), plus "(missing)" when any is missing. */
export function categoricalBins(reference: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>, missing: { reference: number; current: number }): Bins {
  const labels = [...new Set([...reference.keys(), ...current.keys()])].sort();
  const withMissing = missing.reference + missing.current > 0;
  const all = withMissing ? [...labels, MISSING_BIN] : labels;
  return {
    labels: all,
    reference: Float64Array.from(all, (l, i) => (withMissing && i === labels.length ? missing.reference : (reference.get(l) ?? 0))),
    current: Float64Array.from(all, (l, i) => (withMissing && i === labels.length ? missing.current : (current.get(l) ?? 0))),
  };
}

/** Counts as proportions (all zero when the total is zero). */
export function proportions(counts: Float64Array): Float64Array {
  let total = 0;
  for (const c of counts) total += c;
  return Float64Array.from(counts, (c) => (total > 0 ? c / total : 0));
}
