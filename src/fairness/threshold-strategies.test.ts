import { describe, expect, it } from 'vitest';
import type { Grouping } from '../math/stats/groups.js';
import { toRng } from '../rng.js';
import { thresholdRates, thresholdStrategy } from './threshold-strategies.js';

/** Two groups whose score distributions differ (group b scores lower for the same label), scores on the 1/100 grid. */
function scenario(n = 4000, seed = 3): { grouping: Grouping; labels: Uint8Array; scores: Float64Array } {
  const rng = toRng(seed);
  const codes = new Int32Array(n);
  const labels = new Uint8Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    codes[i] = rng.next() < 0.6 ? 0 : 1;
    labels[i] = rng.next() < (codes[i] === 0 ? 0.55 : 0.4) ? 1 : 0;
    const centre = (labels[i] ? 0.65 : 0.35) - (codes[i] === 1 ? 0.1 : 0);
    scores[i] = Math.round(Math.min(1, Math.max(0, centre + (rng.next() - 0.5) * 0.7)) * 100) / 100;
  }
  return { grouping: { name: 'g', codes, labels: ['a', 'b'] }, labels, scores };
}

/** Direct count over the rows of one group at threshold t: [selected, tp, positives, correct, n]. */
function direct(s: ReturnType<typeof scenario>, group: number, t: number): number[] {
  const out = [0, 0, 0, 0, 0];
  s.labels.forEach((y, i) => {
    if (s.grouping.codes[i] !== group) return;
    const d = s.scores[i]! >= t - 1e-9 ? 1 : 0;
    out[0]! += d;
    out[1]! += d & y;
    out[2]! += y;
    out[3]! += d === y ? 1 : 0;
    out[4]!++;
  });
  return out;
}

describe('WIT threshold strategies', () => {
  const s = scenario();
  const accuracyAt = (ta: number, tb: number) => (direct(s, 0, ta)[3]! + direct(s, 1, tb)[3]!) / s.labels.length;

  it('single threshold: the most accurate common threshold (brute force over the grid)', () => {
    const r = thresholdStrategy(s.grouping, s.labels, s.scores, 'single');
    expect(r.groups[0]!.threshold).toBe(r.groups[1]!.threshold);
    const best = Math.max(...Array.from({ length: 101 }, (_, k) => accuracyAt(k / 100, k / 100)));
    expect(r.accuracy).toBeCloseTo(best, 12);
  });

  it('group thresholds: each group at its own most accurate threshold, never less accurate overall than a single one', () => {
    const r = thresholdStrategy(s.grouping, s.labels, s.scores, 'group');
    for (const [c, g] of r.groups.entries()) {
      const best = Math.max(...Array.from({ length: 101 }, (_, k) => direct(s, c, k / 100)[3]!));
      expect(g.accuracy.value! * g.n).toBeCloseTo(best, 9);
    }
    expect(r.accuracy).toBeGreaterThanOrEqual(thresholdStrategy(s.grouping, s.labels, s.scores, 'single').accuracy);
  });

  it.each([
    ['demographic_parity', 'selectionRate'],
    ['equal_opportunity', 'truePositiveRate'],
    ['equal_accuracy', 'accuracy'],
  ] as const)('%s: the constrained rate is equal across groups within the tolerance, and rates match a direct count', (strategy, key) => {
    const r = thresholdStrategy(s.grouping, s.labels, s.scores, strategy, { tolerance: 0.02 });
    const [a, b] = r.groups;
    expect(Math.abs(a![key].value! - b![key].value!)).toBeLessThanOrEqual(0.02 + 1e-12);
    expect(r.gap).toBeLessThanOrEqual(0.02);
    r.groups.forEach((g, c) => {
      const [sel, tp, pos, ok, n] = direct(s, c, g.threshold);
      expect(g.n).toBe(n);
      expect(g.selectionRate.value).toBeCloseTo(sel! / n!, 12);
      expect(g.truePositiveRate.value).toBeCloseTo(tp! / pos!, 12);
      expect(g.accuracy.value).toBeCloseTo(ok! / n!, 12);
      expect(g.selectionRate.interval!.low).toBeLessThanOrEqual(g.selectionRate.value!);
      expect(g.selectionRate.interval!.high).toBeGreaterThanOrEqual(g.selectionRate.value!);
    });
    // the constrained optimum still beats chance on this data
    expect(r.accuracy).toBeGreaterThan(0.5);
  });

  it('custom thresholds (sliders) give the rates of a direct count, and an undefined rate is null', () => {
    const r = thresholdRates(s.grouping, s.labels, s.scores, { a: 0.42, b: 0.61 });
    const [sel, , , ok, n] = direct(s, 1, 0.61);
    expect(r.groups[1]!.selectionRate.value).toBeCloseTo(sel! / n!, 12);
    expect(r.groups[1]!.accuracy.value).toBeCloseTo(ok! / n!, 12);
    const none = thresholdRates({ name: 'g', codes: Int32Array.from([0, 0]), labels: ['a'] }, Uint8Array.from([0, 0]), Float64Array.from([0.2, 0.9]), { a: 0.5 });
    expect(none.groups[0]!.truePositiveRate).toEqual({ value: null, interval: null });
    expect(() => thresholdRates(s.grouping, s.labels, s.scores, { a: 1.5 })).toThrow(/outside \[0, 1\]/);
  });
});
