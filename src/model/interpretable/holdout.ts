import type { Rng } from '../../rng.js';
import type { LearnerTask } from './gam/types.js';

/**
 * Splits row indices into a fitting part and a held-out `share`, stratified by class for binary tasks
 * (each class keeps its share in both parts). Both lists are in row order.
 */
export function stratifiedHoldout(y: Float64Array, task: LearnerTask, share: number, rng: Rng): { fit: Int32Array; holdout: Int32Array } {
  const n = y.length;
  const groups: number[][] = task === 'binary' ? [[], []] : [[]];
  for (let i = 0; i < n; i++) groups[task === 'binary' && y[i]! > 0.5 ? 1 : 0]!.push(i);
  const held = new Uint8Array(n);
  let count = 0;
  for (const group of groups) {
    const order = rng.shuffle(Int32Array.from(group));
    const take = Math.round(share * group.length);
    for (let k = 0; k < take; k++) held[order[k]!] = 1;
    count += take;
  }
  const fit = new Int32Array(n - count);
  const holdout = new Int32Array(count);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (held[i]) holdout[b++] = i;
    else fit[a++] = i;
  }
  return { fit, holdout };
}
