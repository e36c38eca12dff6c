import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { weightedMoments } from '../linear/moments.js';
import { binaryMoments, denseFromMasks, momentBuffers } from './binary-moments.js';

/** Random masks with a per-feature set probability, row 0 all ones (LIME's layout). */
function randomMasks(n: number, d: number, seed: number): { masks: Int32Array; words: number } {
  const words = Math.ceil(d / 32);
  const rng = new Rng(seed);
  const p = Array.from({ length: d }, () => rng.next());
  const masks = new Int32Array(n * words);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) if (i === 0 || rng.next() < p[j]!) masks[i * words + (j >>> 5)]! |= 1 << (j & 31);
  return { masks, words };
}

describe('binaryMoments', () => {
  for (const d of [1, 5, 7, 20, 32, 45]) {
    it(`equals the dense weighted moments of the 0/1 rows with distance-only kernel weights (d = ${d})`, () => {
      const n = 700;
      const { masks, words } = randomMasks(n, d, d);
      const rng = new Rng(100 + d);
      const y = Float64Array.from({ length: 2 * n }, () => rng.next());
      const weightOf = Float64Array.from({ length: d + 1 }, (_, c) => Math.exp(-c / 3));
      const weights = new Float64Array(n);
      const m = binaryMoments(masks, words, d, n, y, 2, 1, weightOf, weights, momentBuffers(d));
      const dense = denseFromMasks(masks, words, d, n);
      const expectedWeights = new Float64Array(n);
      const labels = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let differ = 0;
        for (let j = 0; j < d; j++) differ += (dense[i * d + j]! - 1) ** 2;
        expectedWeights[i] = Math.exp(-differ / 3);
        labels[i] = y[2 * i + 1]!;
      }
      expect(Array.from(weights)).toEqual(Array.from(expectedWeights));
      const ref = weightedMoments(dense, d, labels, expectedWeights);
      for (const key of ['sw', 'sy', 'syy'] as const) expect(m[key]).toBeCloseTo(ref[key], 9);
      for (const key of ['sx', 'sxy', 'sxx'] as const) {
        const got = m[key];
        const want = ref[key];
        expect(got.length).toBe(want.length);
        for (let k = 0; k < want.length; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThan(1e-9 * (1 + Math.abs(want[k]!)));
      }
    });
  }
});
