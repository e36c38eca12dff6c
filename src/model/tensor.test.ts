import { describe, expect, it } from 'vitest';
import { gatherRows } from './tensor.js';

describe('gatherRows', () => {
  it('copies the given rows of a batch-major tensor in the given order, repeats allowed', () => {
    const t = { data: Float32Array.from({ length: 4 * 2 * 3 }, (_, i) => i), shape: [4, 2, 3] };
    const got = gatherRows(t, Int32Array.from([3, 0, 3]));
    expect(got.shape).toEqual([3, 2, 3]);
    expect(Array.from(got.data)).toEqual([18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 18, 19, 20, 21, 22, 23]);
    got.data[0] = -1;
    expect(t.data[18]).toBe(18);
    expect(gatherRows(t, []).shape).toEqual([0, 2, 3]);
  });
});
