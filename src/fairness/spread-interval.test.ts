import { describe, expect, it } from 'vitest';
import { newcombeInterval } from '../math/stats/newcombe.js';
import { Rng } from '../rng.js';
import { mitigationMetrics } from './mitigation-metrics.js';
import { mitigationChange } from './mitigation-change.js';
import { rateSpreadInterval } from './spread-interval.js';

function sample(seed: number, n: number, k: number): { codes: Int32Array; labels: Uint8Array; decisions: Uint8Array } {
  const rng = new Rng(seed);
  const codes = Int32Array.from({ length: n }, () => rng.int(k));
  const labels = Uint8Array.from(codes, () => (rng.next() < 0.4 ? 1 : 0));
  const decisions = Uint8Array.from(codes, (g, i) => (rng.next() < (labels[i] ? 0.7 : 0.1 + 0.1 * g) ? 1 : 0));
  return { codes, labels, decisions };
}

describe('rate spreads with intervals', () => {
  it('two groups: the FPR difference is Newcombe\'s interval on the negatives, higher group minus lower', () => {
    const { codes, labels, decisions } = sample(1, 400, 2);
    const grouping = { name: 'g', codes, labels: ['a', 'b'] };
    const negatives = Uint8Array.from(labels, (y) => 1 - y);
    const { value, interval } = rateSpreadInterval(grouping, negatives, decisions, { metric: 'fpr_difference', rate: 'FPR' });
    const count = (g: number): [number, number] => {
      let x = 0;
      let n = 0;
      codes.forEach((c, i) => c === g && labels[i] === 0 && (n++, (x += decisions[i]!)));
      return [x, n];
    };
    const [xa, na] = count(0);
    const [xb, nb] = count(1);
    const [hi, lo] = xb / nb >= xa / na ? [[xb, nb], [xa, na]] : [[xa, na], [xb, nb]];
    expect(value).toBeCloseTo(hi[0]! / hi[1]! - lo[0]! / lo[1]!, 14);
    const expected = newcombeInterval(hi[0]!, hi[1]!, lo[0]!, lo[1]!, 0.95);
    expect(interval.low).toBe(expected.low);
    expect(interval.high).toBe(expected.high);
    expect(interval.method).toMatch(/^newcombe-hybrid-score for fpr_difference \(FPR of (a|b) − (a|b)\)$/);
  });

  it('three groups: a seeded group-stratified bootstrap that contains the estimate; same seed, same interval; one group defines nothing', () => {
    const { codes, labels, decisions } = sample(2, 600, 3);
    const grouping = { name: 'g', codes, labels: ['a', 'b', 'c'] };
    const a = mitigationMetrics(grouping, labels, decisions, { seed: 5 });
    const b = mitigationMetrics(grouping, labels, decisions, { seed: 5 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    for (const key of ['fprDifference', 'tprDifference', 'selectionRateDifference'] as const) {
      expect(a.intervals[key].method).toMatch(/stratified-bootstrap-bc/);
      expect(a.intervals[key].low).toBeLessThanOrEqual(a[key]!);
      expect(a.intervals[key].high).toBeGreaterThanOrEqual(a[key]!);
    }
    const rates = a.groups.map((g) => g.fpr!);
    expect(a.fprDifference).toBeCloseTo(Math.max(...rates) - Math.min(...rates), 14);
    const single = mitigationMetrics({ name: 'g', codes: new Int32Array(codes.length), labels: ['a'] }, labels, decisions);
    expect(single.fprDifference).toBeNull();
    expect(Number.isNaN(single.intervals.fprDifference.low)).toBe(true);
  });
});

describe('paired change after − before', () => {
  it('equals the difference of the two sides\' metrics, is seeded, and excludes 0 for a planted narrowing of the FPR gap', () => {
    const { codes, labels, decisions } = sample(3, 900, 3);
    const grouping = { name: 'g', codes, labels: ['a', 'b', 'c'] };
    const rng = new Rng(9);
    // "after": the same decisions with false positives of groups 1 and 2 removed down to group 0's FPR (≈ 0.1)
    const drop = [0, 0.5, 2 / 3];
    const after = Uint8Array.from(decisions, (d, i) => (labels[i] === 0 && d === 1 && rng.next() < drop[codes[i]!]! ? 0 : d));
    const before = mitigationMetrics(grouping, labels, decisions);
    const afterM = mitigationMetrics(grouping, labels, after);
    const change = mitigationChange(grouping, labels, decisions, after, { seed: 4 });
    expect(change.accuracy.value).toBeCloseTo(afterM.accuracy - before.accuracy, 14);
    for (const key of ['fprDifference', 'tprDifference', 'selectionRateDifference'] as const) {
      expect(change[key].value).toBeCloseTo(afterM[key]! - before[key]!, 14);
      expect(change[key].interval.low).toBeLessThanOrEqual(change[key].value!);
      expect(change[key].interval.high).toBeGreaterThanOrEqual(change[key].value!);
    }
    expect(change.fprDifference.interval.method).toMatch(/paired/);
    expect(change.fprDifference.interval.high).toBeLessThan(0);
    expect(JSON.stringify(mitigationChange(grouping, labels, decisions, after, { seed: 4 }))).toBe(JSON.stringify(change));
  });
});
