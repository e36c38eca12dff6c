import type { RawMatrix } from '../../encode/encoder.js';
import type { Rng } from '../../rng.js';
import type { TabularBatch } from './numeric-noise.js';

/**
 * Swaps a category for another member of its declared equivalence group (groups as category codes).
 * A row whose value is in a group gets a copy for each other member (up to `samples`, chosen at random
 * when the group is larger); rows whose value is in no group, or missing, are not perturbed.
 */
export function categorySwap(rows: RawMatrix, column: number, groups: readonly (readonly number[])[], samples: number, rng: Rng): TabularBatch {
  const f = rows.nFeatures;
  const groupOf = new Map<number, readonly number[]>();
  for (const g of groups) for (const code of g) groupOf.set(code, g);
  const data: number[] = [];
  const source: number[] = [];
  for (let i = 0; i < rows.nRows; i++) {
    const value = rows.data[i * f + column]!;
    const group = groupOf.get(value);
    if (!group) continue;
    const others = group.filter((c) => c !== value);
    const picked = others.length > samples ? Array.from(rng.permutation(others.length).subarray(0, samples), (k) => others[k]!) : others;
    for (const code of picked) {
      for (let j = 0; j < f; j++) data.push(j === column ? code : rows.data[i * f + j]!);
      source.push(i);
    }
  }
  return { raw: { data: Float64Array.from(data), nRows: source.length, nFeatures: f }, source: Int32Array.from(source) };
}
