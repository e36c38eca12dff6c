import { GlassboxError } from '../../errors.js';

/** How the [0, 1] confidence axis is cut into bins. */
export type Binning = 'equal-width' | 'equal-mass';

/**
 * `bins + 1` equal-width edges on [0, 1], exactly as numpy.linspace(0, 1, bins + 1) computes them
 * (i · (1/bins), the last edge set to 1), so bin boundaries agree with reference implementations bit for bit.
 */
export function equalWidthEdges(bins: number): Float64Array {
  checkBinCount(bins);
  const step = 1 / bins;
  const edges = new Float64Array(bins + 1);
  for (let b = 0; b < bins; b++) edges[b] = b * step;
  edges[bins] = 1;
  return edges;
}

/**
 * Equal-mass edges (adaptive binning, Nixon et al. 2019, "Measuring calibration in deep learning"): edge b
 * is the ⌈b·n/bins⌉-th smallest value, so each bin `(lower, upper]` holds about n/bins rows. Tied values
 * stay in one bin, which may leave another bin empty. The outer edges are 0 and 1.
 */
export function equalMassEdges(values: ArrayLike<number>, bins: number): Float64Array {
  checkBinCount(bins);
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const n = sorted.length;
  const edges = new Float64Array(bins + 1);
  for (let b = 1; b < bins; b++) edges[b] = n === 0 ? b / bins : sorted[Math.max(0, Math.ceil((b * n) / bins) - 1)]!;
  edges[bins] = 1;
  return edges;
}

/**
 * The bin of each value: b with edges[b] < v ≤ edges[b + 1] (lower edge exclusive, upper inclusive).
 * A value of exactly edges[0] (a class probability of 0) joins the first bin.
 */
export function assignBins(values: ArrayLike<number>, edges: Float64Array): Uint16Array {
  const bins = edges.length - 1;
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = binOf(values[i]!, edges, bins);
  return out;
}

function binOf(v: number, edges: Float64Array, bins: number): number {
  // binary search for the first bin whose upper edge is ≥ v (exact comparisons, any edges)
  let lo = 0;
  let hi = bins - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= edges[mid + 1]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function checkBinCount(bins: number): void {
  if (!Number.isInteger(bins) || bins < 1 || bins > 1000) {
    throw new GlassboxError('invalid_argument', `bins = ${bins}: the number of bins must be an integer from 1 to 1000.`, { argument: '--bins', hint: 'The usual choice is 15 (Guo et al. 2017).' });
  }
}

/** Edges for a binning of these values. */
export function binEdges(binning: Binning, bins: number, values: ArrayLike<number>): Float64Array {
  return binning === 'equal-width' ? equalWidthEdges(bins) : equalMassEdges(values, bins);
}
