import { GlassboxError } from '../errors.js';
import { quantiles } from '../math/stats/quantile.js';

/** Bins of a numeric column: bin b holds edges[b-1] ≤ x < edges[b] (open-ended first and last bins). */
export interface Bins {
  /** Inner edges, strictly increasing; there are edges.length + 1 bins. */
  readonly edges: readonly number[];
  /** Per-row bin index, -1 for missing (NaN). */
  readonly codes: Int32Array;
  /** Labels such as "<25", "[25, 40)", ">=40". */
  readonly labels: readonly string[];
}

/** Formats a number compactly for bin labels (up to 6 significant digits). */
export function formatEdge(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

/** Interval labels for inner edges: "<e0", "[e0, e1)", …, ">=eLast". */
export function binLabels(edges: readonly number[]): string[] {
  if (edges.length === 0) return ['all'];
  const labels = [`<${formatEdge(edges[0]!)}`];
  for (let b = 1; b < edges.length; b++) labels.push(`[${formatEdge(edges[b - 1]!)}, ${formatEdge(edges[b]!)})`);
  labels.push(`>=${formatEdge(edges[edges.length - 1]!)}`);
  return labels;
}

/** Assigns bins by binary search over the edges. */
export function binByEdges(values: Float64Array, edges: readonly number[], labels?: readonly string[], column = 'column'): Bins {
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i]! > edges[i - 1]!)) {
      throw new GlassboxError('invalid_argument', `bin edges for "${column}" must be strictly increasing; got [${edges.join(', ')}].`, { argument: 'edges', column, hint: 'e.g. edges [25, 40, 60]' });
    }
  }
  if (labels && labels.length !== edges.length + 1) {
    throw new GlassboxError('invalid_argument', `"${column}" has ${edges.length} edges, so it needs ${edges.length + 1} bin labels (got ${labels.length}).`, { argument: 'labels', column, hint: 'Give one label per bin: value < edges[0] → labels[0], …' });
  }
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isNaN(x)) {
      codes[i] = -1;
      continue;
    }
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < edges[mid]!) hi = mid;
      else lo = mid + 1;
    }
    codes[i] = lo;
  }
  return { edges, codes, labels: labels ?? binLabels(edges) };
}

/**
 * Quantile bins: inner edges at the 1/b, …, (b−1)/b type-7 quantiles, de-duplicated (a column with few
 * distinct values gets fewer bins). Each edge is snapped up to an observed value so every label is a
 * real threshold of the data.
 */
export function quantileBins(values: Float64Array, bins: number, column = 'column'): Bins {
  if (!Number.isInteger(bins) || bins < 2) {
    throw new GlassboxError('invalid_argument', `bins for "${column}" must be an integer ≥ 2 (got ${bins}).`, { argument: 'bins', column, hint: 'e.g. 4 for quartiles' });
  }
  const finite = Float64Array.from(Array.from(values).filter((v) => Number.isFinite(v))).sort();
  const qs = Array.from({ length: bins - 1 }, (_, i) => (i + 1) / bins);
  const raw = quantiles(finite, qs);
  const edges: number[] = [];
  for (const q of raw) {
    const snapped = firstAtLeast(finite, q);
    if (snapped === undefined || snapped <= (finite[0] ?? Number.NaN)) continue;
    if (edges.length === 0 || snapped > edges[edges.length - 1]!) edges.push(snapped);
  }
  return binByEdges(values, edges, undefined, column);
}

function firstAtLeast(sorted: Float64Array, q: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < q) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo];
}
