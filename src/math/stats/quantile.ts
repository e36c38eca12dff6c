/**
 * Quantile of sorted finite values by linear interpolation between order statistics
 * (Hyndman & Fan 1996 type 7; numpy.quantile's default). NaN for an empty array.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Type-7 quantiles of the finite values in `values` (NaN ignored). */
export function quantiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) finite.push(values[i]!);
  const sorted = Float64Array.from(finite).sort();
  return qs.map((q) => quantileSorted(sorted, q));
}
