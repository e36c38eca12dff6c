import { describe, expect, it } from 'vitest';
import { fnModel } from './fn.js';
import { caughtGlassboxError } from '../../test/support/errors.js';

const x = Float32Array.from([1, 2, 3, 4, 5, 6]);


describe('fnModel', () => {
  it('passes rows through in batches and keeps probabilities', async () => {
    const calls: number[] = [];
    const model = fnModel({
      inputWidth: 2,
      classes: ['a', 'b', 'c'],
      batchSize: 2,
      predict: (rows, n) => {
        calls.push(n);
        const out = new Float32Array(n * 3);
        for (let i = 0; i < n; i++) out.set([0.2, 0.3, 0.5], i * 3);
        return out;
      },
    });
    expect(model.task).toBe('multiclass');
    const p = await model.predict({ data: x, shape: [3, 2] });
    expect(calls).toEqual([2, 1]);
    expect(Array.from(p)).toEqual([0.2, 0.3, 0.5, 0.2, 0.3, 0.5, 0.2, 0.3, 0.5].map(Math.fround));
  });

  it('expands a single binary column and applies the sigmoid to logits', async () => {
    const probs = fnModel({ inputWidth: 2, predict: async (rows, n) => Array.from({ length: n }, (_, i) => rows[i * 2]! / 10) });
    expect(Array.from(await probs.predict({ data: x, shape: [3, 2] }))).toEqual([0.9, 0.1, 0.7, 0.3, 0.5, 0.5].map(Math.fround));
    const logits = fnModel({ inputWidth: 2, outputKind: 'logits', predict: (_rows, n) => new Float32Array(n) });
    expect(Array.from(await logits.predict({ data: x, shape: [3, 2] }))).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('returns regression values as one column', async () => {
    const model = fnModel({ inputWidth: 2, task: 'regression', predict: (rows, n) => Float32Array.from({ length: n }, (_, i) => rows[i * 2]! + rows[i * 2 + 1]!) });
    expect(model.outputWidth).toBe(1);
    expect(Array.from(await model.predict({ data: x, shape: [3, 2] }))).toEqual([3, 7, 11]);
  });

  it('reports a wrong output length, a NaN, a throwing function and a wrong input width', async () => {
    const short = fnModel({ inputWidth: 2, classes: ['a', 'b', 'c'], predict: () => new Float32Array(2) });
    expect((await caughtGlassboxError(() => short.predict({ data: x, shape: [3, 2] }))).message).toContain('returned 2 values for 3 rows; expected 9');
    const nan = fnModel({ inputWidth: 2, task: 'regression', predict: (_r, n) => Float32Array.from({ length: n }, (_, i) => (i === 2 ? NaN : 0)) });
    expect((await caughtGlassboxError(() => nan.predict({ data: x, shape: [3, 2] }))).message).toContain('returned NaN for row 2');
    const throws = fnModel({ inputWidth: 2, predict: () => { throw new Error('boom'); } });
    expect((await caughtGlassboxError(() => throws.predict({ data: x, shape: [3, 2] }))).message).toContain('threw on rows 0..2: boom');
    expect((await caughtGlassboxError(() => short.predict({ data: x, shape: [2, 3] }))).message).toContain('expects 2 values per row');
  });

  it('validates its options', () => {
    expect(() => fnModel({ predict: () => [], classes: ['a', 'b'] })).toThrow(/inputWidth/);
    expect(() => fnModel({ inputWidth: 2, task: 'multiclass', predict: () => [] })).toThrow(/needs its classes/);
  });
});
