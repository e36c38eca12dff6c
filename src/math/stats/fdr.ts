/**
 * Benjamini–Hochberg adjusted p-values (q-values) controlling the false discovery rate
 * (Benjamini & Hochberg 1995, JRSS B 57; R's p.adjust(method = "BH")):
 * q₍ᵢ₎ = min_{j ≥ i} m p₍ⱼ₎ / j, capped at 1. NaN p-values stay NaN and do not count in m.
 */
export function benjaminiHochberg(pValues: ArrayLike<number>): Float64Array {
  const n = pValues.length;
  const q = new Float64Array(n).fill(Number.NaN);
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(pValues[i]!)) order.push(i);
  order.sort((a, b) => pValues[a]! - pValues[b]! || a - b);
  const m = order.length;
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1]!;
    running = Math.min(running, (m * pValues[i]!) / rank);
    q[i] = running;
  }
  return q;
}

/**
 * Weighted Benjamini–Hochberg q-values over a family of `m` hypotheses of which only those given were
 * tested (Genovese, Roeder & Wasserman 2006, "False discovery control with p-value weighting",
 * Biometrika 93): hypothesis i is rejected at level α when p₍ᵢ₎ / w₍ᵢ₎ ≤ α k / m for the largest such k,
 * ranking by p / w. Weights average 1 over the whole family. Hypotheses of the family that were not
 * tested count in m and are never rejected (as if their p-value were +∞), which can only lower the
 * rejections of a valid procedure. q₍ᵢ₎ = min_{j ≥ i} m p₍ⱼ₎ / (w₍ⱼ₎ j), capped at 1; NaN p stays NaN.
 */
export function weightedBenjaminiHochberg(pValues: ArrayLike<number>, weights: ArrayLike<number>, m: number): Float64Array {
  const n = pValues.length;
  const scaled = new Float64Array(n);
  for (let i = 0; i < n; i++) scaled[i] = pValues[i]! / weights[i]!;
  const q = new Float64Array(n).fill(Number.NaN);
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(scaled[i]!)) order.push(i);
  order.sort((a, b) => scaled[a]! - scaled[b]! || a - b);
  let running = 1;
  for (let rank = order.length; rank >= 1; rank--) {
    const i = order[rank - 1]!;
    running = Math.min(running, (m * scaled[i]!) / rank);
    q[i] = running;
  }
  return q;
}
