import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import type { Grouping } from '../math/stats/groups.js';
import { fairnessSummary, multiclassFairness } from './group-metrics.js';
import type { FairnessSummary } from './group-metrics.js';
import { reweighing } from './reweighing.js';
import { applyThresholdPolicy, fitThresholdOptimizer, policyProbabilities } from './threshold-optimizer.js';
import { thresholdMitigation } from './mitigation-report.js';

function biased(seed: number, n = 4000): { g: Grouping; y: Uint8Array; s: Float64Array; d: Uint8Array } {
  const rng = new Rng(seed);
  const codes = Int32Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
  const y = Uint8Array.from(codes, (c) => (rng.next() < (c ? 0.25 : 0.45) ? 1 : 0));
  const s = Float64Array.from(y, (v, i) => 1 / (1 + Math.exp(-(1.6 * (v - 0.5) * 2 + rng.normal() - (codes[i] ? 0.6 : 0)))));
  const d = Uint8Array.from(s, (v) => (v >= 0.5 ? 1 : 0));
  return { g: { name: 'grp', codes, labels: ['a', 'b'] }, y, s, d };
}

const METRICS = ['demographicParityDifference', 'demographicParityRatio', 'equalizedOddsDifference', 'equalizedOddsRatio', 'equalOpportunityDifference', 'equalOpportunityRatio', 'predictiveParityDifference', 'predictiveParityRatio'] as const;
const values = (s: FairnessSummary): number[] => METRICS.map((m) => s[m]);

describe('fairness metrics: invariances (in the style of sklearn metrics/tests/test_common.py)', () => {
  it('symmetric in groups: relabelling/permuting group codes changes nothing', () => {
    const { g, y, d } = biased(1);
    const swapped: Grouping = { name: 'grp', codes: Int32Array.from(g.codes, (c) => 1 - c), labels: ['b', 'a'] };
    expect(values(fairnessSummary(swapped, y, d))).toEqual(values(fairnessSummary(g, y, d)));
  });
  it('invariant to row order', () => {
    const { g, y, d } = biased(2);
    const p = new Rng(9).permutation(y.length);
    const g2: Grouping = { ...g, codes: Int32Array.from(p, (i) => g.codes[i]!) };
    const a = values(fairnessSummary(g, y, d));
    const b = values(fairnessSummary(g2, Uint8Array.from(p, (i) => y[i]!), Uint8Array.from(p, (i) => d[i]!)));
    b.forEach((v, k) => expect(v).toBeCloseTo(a[k]!, 14));
  });
  it('difference = max − min and ratio = min/max; identical groups give 0 and 1', () => {
    const { g, y, d } = biased(3);
    const s = fairnessSummary(g, y, d);
    const rates = s.groups.map((x) => x.selectionRate);
    expect(s.demographicParityDifference).toBe(Math.max(...rates) - Math.min(...rates));
    expect(s.demographicParityRatio).toBe(Math.min(...rates) / Math.max(...rates));
    expect(s.equalizedOddsDifference).toBe(Math.max(s.equalOpportunityDifference, s.fprDifference));
    const twin: Grouping = { name: 't', codes: Int32Array.from({ length: 8 }, (_, i) => i % 2), labels: ['x', 'y'] };
    const yy = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0]);
    const dd = Uint8Array.from([1, 1, 1, 1, 0, 0, 0, 0]);
    const t = fairnessSummary(twin, yy, dd);
    expect([t.demographicParityDifference, t.demographicParityRatio, t.equalizedOddsDifference]).toEqual([0, 1, 0]);
  });
  it('empty and degenerate groups: empty groups are left out, undefined rates are skipped', () => {
    const g: Grouping = { name: 'g', codes: Int32Array.from([0, 0, 0, 2, 2, 2]), labels: ['a', 'empty', 'c'] };
    const y = Uint8Array.from([1, 0, 1, 0, 0, 0]); // group c has no positives → TPR undefined
    const d = Uint8Array.from([1, 0, 0, 1, 0, 0]);
    const s = fairnessSummary(g, y, d);
    expect(s.groups.map((x) => x.group)).toEqual(['a', 'c']);
    expect(s.groups[1]!.tpr).toBeNull();
    expect(s.equalOpportunityDifference).toBe(0); // only group a defines TPR
    expect(s.demographicParityDifference).toBeCloseTo(1 / 3 - 1 / 3, 15);
    const none = fairnessSummary(g, y, new Uint8Array(6));
    expect(none.demographicParityRatio).toBeNaN(); // 0 / 0
  });
  it('multiclass is one-vs-rest', () => {
    const g: Grouping = { name: 'g', codes: Int32Array.from([0, 0, 1, 1]), labels: ['a', 'b'] };
    const per = multiclassFairness(g, [0, 1, 2, 2], [0, 2, 2, 1], ['x', 'y', 'z']);
    expect(per.map((p) => p.class)).toEqual(['x', 'y', 'z']);
    expect(per[0]!.summary.demographicParityDifference).toBe(0.5);
  });
});

describe('mitigations', () => {
  it('reweighing makes the weighted positive rate equal across groups', () => {
    const { g, y } = biased(4);
    const r = reweighing(g, y);
    const overall = y.reduce((a, v) => a + v, 0) / y.length;
    for (const p of r.positiveRate) expect(p.after).toBeCloseTo(overall, 12);
    expect(Math.abs(r.positiveRate[0]!.before - r.positiveRate[1]!.before)).toBeGreaterThan(0.1);
    expect(r.weights.reduce((a, w) => a + w, 0)).toBeCloseTo(y.length, 8);
  });
  it('threshold optimizer equalizes the constrained rate in expectation, and applies deterministically', () => {
    const { g, y, s } = biased(5);
    for (const constraint of ['demographic_parity', 'true_positive_rate_parity', 'equalized_odds'] as const) {
      const policy = fitThresholdOptimizer(g, y, s, { constraint });
      const p = policyProbabilities(policy, g, s);
      const rate = (grp: number, pick: (i: number) => boolean): number => {
        let num = 0;
        let den = 0;
        for (let i = 0; i < y.length; i++) {
          if (g.codes[i] !== grp || !pick(i)) continue;
          num += p[i]!;
          den++;
        }
        return num / den;
      };
      if (constraint === 'demographic_parity') expect(Math.abs(rate(0, () => true) - rate(1, () => true))).toBeLessThan(2e-3);
      else expect(Math.abs(rate(0, (i) => y[i] === 1) - rate(1, (i) => y[i] === 1))).toBeLessThan(2e-3);
      if (constraint === 'equalized_odds') expect(Math.abs(rate(0, (i) => y[i] === 0) - rate(1, (i) => y[i] === 0))).toBeLessThan(2e-3);
      expect(JSON.parse(JSON.stringify(policy))).toEqual(policy);
      expect(applyThresholdPolicy(policy, g, s, 7)).toEqual(applyThresholdPolicy(policy, g, s, 7));
    }
  });
  it('held-out before/after: demographic parity gap shrinks', () => {
    const { g, y, s } = biased(6, 6000);
    const m = thresholdMitigation(g, y, s, { constraint: 'demographic_parity', seed: 1 });
    console.log(`threshold optimizer (DP) held-out: DP diff ${m.before.summary.demographicParityDifference.toFixed(3)} → ${m.after.summary.demographicParityDifference.toFixed(3)}, accuracy ${m.before.accuracy.toFixed(3)} → ${m.after.accuracy.toFixed(3)}`);
    expect(m.after.summary.demographicParityDifference).toBeLessThan(m.before.summary.demographicParityDifference / 2);
    expect(m.heldOutRows + m.fitRows).toBe(6000);
  });
});
