/** Rounds half to even, as numpy's `np.round` does (so that counts match cleanlab's bit for bit). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Indices 0..n−1 sorted ascending by `key`, ties in index order (a stable sort). */
export function stableArgsort(key: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: key.length }, (_, i) => i);
  // Int32Array#sort with a comparator is stable (ECMAScript 2019)
  return order.sort((a, b) => key[a]! - key[b]! || a - b);
}

/**
 * Rounds values to integers that add up to the rounded sum of the originals, moving the values whose
 * fractional remainders are largest (cleanlab's `round_preserving_sum`).
 */
export function roundPreservingSum(values: ArrayLike<number>): Float64Array {
  const ints = Float64Array.from(values, roundHalfEven);
  let total = 0;
  let intTotal = 0;
  for (let i = 0; i < values.length; i++) {
    total += values[i]!;
    intTotal += ints[i]!;
  }
  const target = roundHalfEven(total);
  while (Math.abs(intTotal - target) > 1e-6) {
    const diff = roundHalfEven(target - intTotal);
    const increment = diff < 0 ? -1 : 1;
    const changes = Math.min(Math.abs(diff), values.length);
    const remainders = Float64Array.from(values, (v, i) => v - ints[i]!);
    const order = stableArgsort(remainders);
    if (increment === 1) order.reverse();
    for (let c = 0; c < changes; c++) ints[order[c]!]! += increment;
    intTotal = ints.reduce((s, v) => s + v, 0);
  }
  return ints;
}

/** Each row of a k-column row-major matrix rounded with `roundPreservingSum` (cleanlab's `round_preserving_row_totals`). */
export function roundPreservingRowTotals(matrix: Float64Array, k: number): Float64Array {
  const out = new Float64Array(matrix.length);
  for (let r = 0; r < matrix.length / k; r++) out.set(roundPreservingSum(matrix.subarray(r * k, (r + 1) * k)), r * k);
  return out;
}
