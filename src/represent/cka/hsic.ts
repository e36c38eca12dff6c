/**
 * HSIC estimators on n × n kernel matrices (row-major float64).
 *
 * Biased: HSIC₀(K, L) = tr(K H L H) / (n − 1)², H = I − 11ᵀ/n (Gretton et al. 2005; the normaliser
 * cancels in CKA). Unbiased: HSIC₁ of Song et al. (2012), with K̃, L̃ the kernels with zeroed diagonals:
 * [tr(K̃L̃) + (1ᵀK̃1)(1ᵀL̃1)/((n−1)(n−2)) − (2/(n−2))·1ᵀK̃L̃1] / (n(n−3)).
 */

/** H K H: the doubly centred kernel. */
export function doublyCentered(k: Float64Array, n: number): Float64Array {
  const rowMean = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += k[i * n + j]!;
    rowMean[i] = s / n;
    total += s;
  }
  const grand = total / (n * n);
  const out = new Float64Array(n * n);
  // K is symmetric: its column means equal its row means
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = k[i * n + j]! - rowMean[i]! - rowMean[j]! + grand;
  return out;
}

/** tr(K H L H) / (n − 1)², from K and the doubly centred L (tr(K H L H) = Σ K ∘ HLH). */
export function biasedHsic(k: Float64Array, centeredL: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n * n; i++) s += k[i]! * centeredL[i]!;
  return s / (n - 1) ** 2;
}

/** Song et al.'s unbiased HSIC₁ (needs n ≥ 4). */
export function unbiasedHsic(k: Float64Array, l: Float64Array, n: number): number {
  let trace = 0;
  let sumK = 0;
  let sumL = 0;
  let cross = 0;
  const rowK = new Float64Array(n);
  const rowL = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const a = k[i * n + j]!;
      const b = l[i * n + j]!;
      trace += a * b; // tr(K̃L̃) = Σ_ij K̃_ij L̃_ji, both symmetric
      rowK[i]! += a;
      rowL[i]! += b;
    }
    sumK += rowK[i]!;
    sumL += rowL[i]!;
  }
  for (let i = 0; i < n; i++) cross += rowK[i]! * rowL[i]!; // 1ᵀK̃L̃1 = Σ_i (K̃1)_i (L̃1)_i
  return (trace + (sumK * sumL) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * cross) / (n * (n - 3));
}
