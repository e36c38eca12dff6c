import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { groupSums, subsetsUpTo } from './group-counts.js';
import type { Grouping } from './groupings.js';
import { outcomesFromScores, rowLogLoss } from './outcomes.js';

/** Every group of every set with its sums, by the definition: one pass per group over all rows. */
function bruteForce(groupings: readonly Grouping[], labels: Uint8Array, decisions: Uint8Array, scores: Float64Array, loss: Float64Array, sets: readonly (readonly number[])[]): string[] {
  const out: string[] = [];
  for (const set of [[], ...sets]) {
    const keys = new Map<string, number[]>();
    for (let i = 0; i < labels.length; i++) {
      const codes = set.map((j) => groupings[j]!.codes[i]!);
      if (codes.some((c) => c < 0)) continue;
      const key = codes.join(',');
      if (!keys.has(key)) keys.set(key, []);
      keys.get(key)!.push(i);
    }
    const sorted = [...keys].sort(([a], [b]) => {
      const x = a.split(',').map(Number);
      const y = b.split(',').map(Number);
      for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k]! - y[k]!;
      return 0;
    });
    for (const [key, rows] of sorted) {
      const tp = rows.filter((i) => labels[i] && decisions[i]).length;
      const fp = rows.filter((i) => !labels[i] && decisions[i]).length;
      const fn = rows.filter((i) => labels[i] && !decisions[i]).length;
      const lossSum = rows.reduce((a, i) => a + loss[i]!, 0);
      const scoreSum = rows.reduce((a, i) => a + scores[i]!, 0);
      out.push(`${set.join('+')}:${key}:${rows.length}:${tp}:${fp}:${rows.length - tp - fp - fn}:${fn}:${lossSum.toFixed(8)}:${scoreSum.toFixed(8)}`);
    }
  }
  return out;
}

describe('groupSums', () => {
  it('equals the definition for every grouping set, for small, compacted and sparse key spaces', async () => {
    const rng = new Rng(7);
    const n = 3000;
    // 3 levels (keys used directly), 400 levels (400² > 2^16: compacted through a table), 3000 levels (3000² > 2^22: a Map).
    for (const levels of [3, 400, 3000]) {
      const groupings: Grouping[] = [0, 1, 2].map((j) => ({ name: `g${j}`, labels: Array.from({ length: levels }, (_, c) => `${c}`), codes: Int32Array.from({ length: n }, () => (rng.next() < 0.05 ? -1 : rng.int(j === 2 ? 3 : levels))) }));
      const outcomes = outcomesFromScores(Int32Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0)), Float64Array.from({ length: n }, () => rng.next()));
      const sets = subsetsUpTo(3, 2);
      const ours = (await groupSums(groupings, outcomes, sets)).map((s) => `${s.set.join('+')}:${s.codes.join(',')}:${s.n}:${s.tp}:${s.fp}:${s.tn}:${s.fn}:${s.lossSum.toFixed(8)}:${s.scoreSum.toFixed(8)}`);
      expect(ours).toEqual(bruteForce(groupings, outcomes.labels, outcomes.decisions, outcomes.scores!, rowLogLoss(outcomes)!, sets));
    }
  });
});
