import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { errorClustering } from './representation-map.js';

/** Gaussian blobs in 8 dimensions: rows 0–199 at 0, 200–369 at 6, 370–399 (a small, hard group) at −6. */
function blobs(seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: 400 * 8 }, (_, i) => {
    const row = Math.floor(i / 8);
    return rng.normal() + (row < 200 ? 0 : row < 370 ? 6 : -6);
  });
}

describe('representation map: do the errors cluster?', () => {
  it('says yes when the errors sit in one region of the representation, and no when they are spread at random', () => {
    const x = blobs(1);
    // errors: the small group, where the model fails
    const clustered = Uint8Array.from({ length: 400 }, (_, i) => (i >= 370 ? 1 : 0));
    const yes = errorClustering(x, 400, 8, clustered, 0);
    expect(yes.clustered).toBe(true);
    expect(yes.share).toBeGreaterThan(2 * yes.rate);
    expect(yes.p).toBeLessThan(0.01);
    // the same number of errors spread over both blobs at random
    const rng = new Rng(7);
    const spread = new Uint8Array(400);
    for (let placed = 0; placed < 30;) {
      const i = rng.int(400);
      if (spread[i]) continue;
      spread[i] = 1;
      placed++;
    }
    const no = errorClustering(x, 400, 8, spread, 0);
    expect(no.clustered).toBe(false);
    expect(no.p).toBeGreaterThan(0.01);
  });

  it('is seeded: the same seed gives the same p-value', () => {
    const x = blobs(2);
    const errors = Uint8Array.from({ length: 400 }, (_, i) => (i % 9 === 0 ? 1 : 0));
    expect(errorClustering(x, 400, 8, errors, 3)).toEqual(errorClustering(x, 400, 8, errors, 3));
  });
});
