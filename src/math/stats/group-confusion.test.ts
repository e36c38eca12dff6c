import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { confusionRates, countByGroup } from './group-confusion.js';

describe('countByGroup (the one per-group confusion-count kernel)', () => {
  it('equals counting each group from the definition, weighted and unweighted, and skips code -1', () => {
    const rng = new Rng(3);
    const n = 500;
    const codes = Int32Array.from({ length: n }, () => rng.int(4) - 1);
    const y = Uint8Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
    const d = Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
    const w = Float64Array.from({ length: n }, () => rng.next() * 2);
    for (const weights of [undefined, w]) {
      const counts = countByGroup(codes, 3, y, d, weights);
      counts.forEach((c, g) => {
        let tp = 0, fp = 0, tn = 0, fn = 0;
        for (let i = 0; i < n; i++) {
          if (codes[i] !== g) continue;
          const wi = weights ? weights[i]! : 1;
          if (y[i] && d[i]) tp += wi;
          else if (!y[i] && d[i]) fp += wi;
          else if (!y[i]) tn += wi;
          else fn += wi;
        }
        expect([c.tp, c.fp, c.tn, c.fn].map((v) => v.toFixed(9))).toEqual([tp, fp, tn, fn].map((v) => v.toFixed(9)));
        expect(c.n).toBeCloseTo(tp + fp + tn + fn, 9);
      });
      const listed = counts.reduce((a, c) => a + c.n, 0);
      const expected = Array.from(codes).reduce((a, c, i) => a + (c >= 0 ? (weights ? weights[i]! : 1) : 0), 0);
      expect(listed).toBeCloseTo(expected, 9);
    }
  });

  it('undefined rates are null, defined ones are exact ratios', () => {
    const r = confusionRates({ n: 4, tp: 0, fp: 0, tn: 4, fn: 0 });
    expect(r.tpr).toBeNull();
    expect(r.fnr).toBeNull();
    expect(r.ppv).toBeNull();
    expect(r.fpr).toBe(0);
    expect(r.accuracy).toBe(1);
    expect(confusionRates({ n: 0, tp: 0, fp: 0, tn: 0, fn: 0 }).selectionRate).toBeNull();
    expect(JSON.parse(JSON.stringify(r)).tpr).toBeNull();
  });

  it('rejects misaligned inputs and out-of-range codes by name', () => {
    expect(() => countByGroup(Int32Array.of(0, 1), 2, [1], [1])).toThrow(/Group codes have 2 rows, labels 1/);
    expect(() => countByGroup(Int32Array.of(0, 2), 2, [1, 0], [1, 0])).toThrow(/Row 1 has group code 2/);
  });
});
