/**
 * Wasserstein-1 (earth mover's) distance between two empirical distributions, exactly:
 * W₁ = ∫ |F₁(x) − F₂(x)| dx, summed over the intervals between consecutive distinct values of the merged
 * samples, where both empirical CDFs are constant (Vallender 1974; scipy.stats.wasserstein_distance).
 * In the units of the feature. Inputs sorted ascending and free of NaN; NaN when either is empty.
 */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return Number.NaN;
  let i = 0;
  let j = 0;
  let w = 0;
  let prev = Math.min(a[0]!, b[0]!);
  while (i < n1 || j < n2) {
    const x = Math.min(i < n1 ? a[i]! : Infinity, j < n2 ? b[j]! : Infinity);
    w += Math.abs(i / n1 - j / n2) * (x - prev);
    while (i < n1 && a[i] === x) i++;
    while (j < n2 && b[j] === x) j++;
    prev = x;
  }
  return w;
}
