/**
 * Classes of one row ranked by decreasing probability. Ties go to the lower class index first, so the
 * order (and with it every APS/RAPS score and set) is deterministic and does not depend on the sort
 * algorithm. `order` receives the class indices; `rankOf[k]` receives class k's 0-based rank.
 */
export function rankClasses(probs: ArrayLike<number>, offset: number, k: number, order: Int32Array, rankOf: Int32Array): void {
  for (let c = 0; c < k; c++) order[c] = c;
  const view = order.subarray(0, k);
  view.sort((a, b) => probs[offset + b]! - probs[offset + a]! || a - b);
  for (let r = 0; r < k; r++) rankOf[view[r]!] = r;
}
