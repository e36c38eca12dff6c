import { describe, expect, it } from 'vitest';
import { findPies, modal } from './pies.js';

describe('findPies', () => {
  // 6 rows, 3 classes, labels 0 0 1 1 2 2; three base and three compressed models
  const labels = Int32Array.of(0, 0, 1, 1, 2, 2);
  const base = [Int32Array.of(0, 0, 1, 1, 2, 0), Int32Array.of(0, 0, 1, 2, 2, 2), Int32Array.of(0, 1, 1, 1, 2, 2)];
  // row 1: compressed vote 1,1,0 → modal 1 ≠ base modal 0 (PIE); row 3: compressed 2,2,2 → PIE; row 5: tie 0/1/2 → class 0 ≠ base modal 2 (PIE)
  const compressed = [Int32Array.of(0, 1, 1, 2, 2, 0), Int32Array.of(0, 1, 1, 2, 2, 1), Int32Array.of(0, 0, 1, 2, 2, 2)];
  const classes = ['a', 'b', 'c'];

  it('marks the rows where the modal labels of the two populations differ', () => {
    expect(Array.from(modal(base, 6, 3))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(modal(compressed, 6, 3))).toEqual([0, 1, 1, 2, 2, 0]);
    const r = findPies({ base, compressed, labels, classes, groups: [{ name: 'g', codes: Int32Array.of(0, 0, 0, 1, 1, -1), categories: ['x', 'y'] }] });
    expect(Array.from(r.pies)).toEqual([1, 3, 5]);
    expect(r.pieRate).toBe(0.5);
    // accuracy averaged over models: base on PIEs = (2 + 2 + 2)/9, compressed = (1 + 0 + 1)/9
    expect(r.accuracyOnPies.base).toBeCloseTo(6 / 9, 12);
    expect(r.accuracyOnPies.compressed).toBeCloseTo(2 / 9, 12);
    expect(r.accuracyOnRest.base).toBeCloseTo(9 / 9, 12);
    expect(r.accuracyOnRest.compressed).toBeCloseTo(9 / 9, 12);
    // per class: each class has one PIE of two rows
    expect(r.perClass.map((c) => [c.value, c.n, c.pies, c.pieRate, c.relativeRate])).toEqual([['a', 2, 1, 0.5, 1], ['b', 2, 1, 0.5, 1], ['c', 2, 1, 0.5, 1]]);
    expect(r.perClass[0]!.interval.method).toBe('wilson');
    // per group: x holds rows 0-2 (PIE 1), y rows 3-4 (PIE 3); row 5 has no group
    expect(r.perGroup.g!.map((c) => [c.value, c.n, c.pies])).toEqual([['x', 3, 1], ['y', 2, 1]]);
    expect(r.perGroup.g![1]!.relativeRate).toBeCloseTo(1, 12);
    // top line: each model's accuracy on all rows and the Welch interval around the delta
    expect(r.topLine.base).toEqual([5 / 6, 5 / 6, 5 / 6]);
    expect(r.topLine.compressed.map((v) => v * 6)).toEqual([3, 3, 5].map((v) => expect.closeTo(v, 10)));
    expect(r.topLine.delta).toBeCloseTo(11 / 18 - 15 / 18, 12);
    expect(r.topLine.deltaInterval.low).toBeLessThan(r.topLine.delta);
    expect(r.topLine.deltaInterval.high).toBeGreaterThan(r.topLine.delta);
  });

  it('finds no PIE between identical populations, and the delta interval is 0 wide', () => {
    const r = findPies({ base, compressed: base, labels, classes });
    expect(r.pies).toHaveLength(0);
    expect(r.accuracyOnPies.base).toBeNull();
    expect(r.perClass.every((c) => c.relativeRate === null)).toBe(true);
    expect(r.topLine.delta).toBe(0);
  });

  it('refuses empty populations, wrong lengths and out-of-range predictions', () => {
    expect(() => findPies({ base: [], compressed, labels, classes })).toThrow(/base population is empty/);
    expect(() => findPies({ base, compressed: [Int32Array.of(0)], labels, classes })).toThrow(/compressed model 1 has 1 predictions for 6 rows/);
    expect(() => findPies({ base: [Int32Array.of(0, 0, 0, 0, 0, 9)], compressed, labels, classes })).toThrow(/predicts class 9 at row 5/);
  });
});
