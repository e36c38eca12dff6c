import { Rng } from '../../rng.js';

/**
 * Splits rows (positions) into calibration and evaluation rows by a seeded permutation: the first
 * ⌊fraction · n⌋ calibrate, the rest are evaluated; both come back in ascending order. Split conformal
 * needs calibration rows exchangeable with the rows it is used on, so they must be rows the model was
 * not fitted on: held-out rows, never the training split. Not stratified by label (unlike the
 * recalibration split, uncertainty/calibration/split.ts): a plain random split keeps calibration and
 * evaluation rows exchangeable, which is what the guarantee assumes.
 */
export function conformalSplit(rows: Int32Array, fraction: number, seed: number): { calibration: Int32Array; evaluation: Int32Array } {
  const order = new Rng(seed).permutation(rows.length);
  const cut = Math.floor(fraction * rows.length);
  const pick = (from: number, to: number): Int32Array => Int32Array.from(order.subarray(from, to), (p) => rows[p]!).sort();
  return { calibration: pick(0, cut), evaluation: pick(cut, rows.length) };
}
