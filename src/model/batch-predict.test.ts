import { describe, expect, it } from 'vitest';
import { checkInput, forEachBatch } from './batch-predict.js';

const spec = { name: 'input', shape: [null, 1, 2, 2], dtype: 'float32' as const };

describe('checkInput', () => {
  it('accepts any rank with the right values per row and rejects others, naming both shapes', () => {
    expect(checkInput({ data: new Float32Array(8), shape: [2, 4] }, spec, 'm')).toEqual({ nRows: 2, rowSize: 4 });
    expect(checkInput({ data: new Float32Array(8), shape: [2, 1, 2, 2] }, spec, 'm')).toEqual({ nRows: 2, rowSize: 4 });
    expect(() => checkInput({ data: new Float32Array(6), shape: [2, 3] }, spec, 'm')).toThrow('input "input" expects 4 values per row ([batch, 1, 2, 2]) but was given 3 ([2, 3])');
    expect(() => checkInput({ data: new Float32Array(7), shape: [2, 4] }, spec, 'm')).toThrow(/7 values but its shape \[2, 4\] needs 8/);
  });
});

describe('forEachBatch', () => {
  it('covers every row once, in batches, with at most `concurrency` in flight', async () => {
    const seen: [number, number][] = [];
    let inFlight = 0;
    let most = 0;
    await forEachBatch(10, 3, 2, undefined, async (start, end) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push([start, end]);
      inFlight--;
    });
    expect(seen.sort((a, b) => a[0] - b[0])).toEqual([[0, 3], [3, 6], [6, 9], [9, 10]]);
    expect(most).toBe(2);
  });

  it('stops taking batches after a failure and rethrows it', async () => {
    const started: number[] = [];
    await expect(
      forEachBatch(10, 1, 1, undefined, async (start) => {
        started.push(start);
        if (start === 2) throw new Error('batch 2 failed');
      }),
    ).rejects.toThrow('batch 2 failed');
    expect(started).toEqual([0, 1, 2]);
  });

  it('checks the signal before each batch', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    await expect(
      forEachBatch(5, 1, 1, controller.signal, async (start) => {
        started.push(start);
        if (start === 1) controller.abort();
      }),
    ).rejects.toThrow(/cancelled/);
    expect(started).toEqual([0, 1]);
  });
});
