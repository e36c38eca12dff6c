import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { initTf } from '../../model/tfjs/backend.js';
import { logit, penaltyGradient, penaltyValue, type PenaltyBatch } from '../../../test/support/penalty-context.js';
import { minDiffAbsCorrelation, minDiffMmd } from './penalties.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Weighted biased MMD² in float64: a, b are (score, weight) samples, weights normalised per sample. */
function mmd64(a: [number, number][], b: [number, number][], sigma: number): number {
  const k = (s: number, t: number): number => Math.exp(-((s - t) ** 2) / (2 * sigma * sigma));
  const mean = (u: [number, number][], v: [number, number][]): number => {
    const wu = u.reduce((s, [, w]) => s + w, 0);
    const wv = v.reduce((s, [, w]) => s + w, 0);
    return u.reduce((s, [x, p]) => s + v.reduce((q, [y, r]) => q + p * r * k(x, y), 0), 0) / (wu * wv);
  };
  return mean(a, a) + mean(b, b) - 2 * mean(a, b);
}

/** Weighted |Pearson correlation| of membership and score in float64. */
function corr64(member: number[], s: number[], w: number[]): number {
  const W = w.reduce((a, b) => a + b, 0);
  const mean = (v: number[]): number => v.reduce((a, x, i) => a + w[i]! * x, 0) / W;
  const mm = mean(member);
  const ms = mean(s);
  const cov = member.reduce((a, x, i) => a + w[i]! * (x - mm) * (s[i]! - ms), 0) / W;
  const vm = member.reduce((a, x, i) => a + w[i]! * (x - mm) ** 2, 0) / W;
  const vs = s.reduce((a, x, i) => a + w[i]! * (x - ms) ** 2, 0) / W;
  return Math.abs(cov / Math.sqrt(vm * vs));
}

/** One-vs-rest reference: mean over groups (one pair when there are two) of f(group, rest) on eligible rows. */
function oneVsRest64(batch: PenaltyBatch, label: number | undefined, f: (inGroup: number[], rest: number[]) => number): number {
  const rows = batch.scores.map((_, i) => i).filter((i) => label === undefined || batch.labels[i] === label);
  const groups = [...new Set(rows.map((i) => batch.groups[i]!))].sort((a, b) => a - b);
  const compared = groups.length === 2 ? [groups[0]!] : groups;
  const values = compared.map((g) => f(rows.filter((i) => batch.groups[i] === g), rows.filter((i) => batch.groups[i] !== g)));
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function randomBatch(seed: number, m: number, k: number): PenaltyBatch {
  const rng = new Rng(seed);
  const groups = Array.from({ length: m }, () => rng.int(k));
  return {
    scores: groups.map((g) => sigmoid(rng.normal() + 0.6 * g)),
    labels: groups.map(() => (rng.next() < 0.6 ? 0 : 1)),
    groups,
    weights: groups.map(() => 0.5 + rng.next()),
  };
}

describe('MinDiff penalties', () => {
  beforeAll(async () => {
    await initTf('wasm');
  });

  it('MMD equals the weighted float64 closed form on the negatives, two groups and three (one-vs-rest, mean)', () => {
    for (const k of [2, 3]) {
      const batch = randomBatch(10 + k, 60, k);
      const sigma = 0.2;
      const pairs = (rows: number[]): [number, number][] => rows.map((i) => [batch.scores[i]!, batch.weights![i]!]);
      const expected = oneVsRest64(batch, 0, (a, b) => mmd64(pairs(a), pairs(b), sigma));
      expect(penaltyValue(minDiffMmd({ label: 0, bandwidth: sigma }), batch)).toBeCloseTo(expected, 5);
      expect(expected).toBeGreaterThan(1e-3);
    }
  });

  it('MMD of identical distributions is 0, and of two Gaussians matches the population closed form', () => {
    const rng = new Rng(3);
    const same = Array.from({ length: 40 }, () => 0.2 + 0.6 * rng.next());
    const identical: PenaltyBatch = { scores: [...same, ...same], labels: new Array<number>(80).fill(0), groups: [...same.map(() => 0), ...same.map(() => 1)] };
    expect(penaltyValue(minDiffMmd({ label: 0 }), identical)).toBeLessThan(1e-6);
    // X ~ N(0.35, s²), Y ~ N(0.55, s²): E k(X, Y) = σ/√(σ² + 2s²) · exp(−δ²/2(σ² + 2s²)); the V-statistic adds (1 − E k)/n per within-group mean
    const n = 500;
    const s = 0.05;
    const sigma = 0.1;
    const delta = 0.2;
    const draw = (mu: number): number[] => Array.from({ length: n }, () => mu + s * rng.normal());
    const gauss: PenaltyBatch = { scores: [...draw(0.35), ...draw(0.55)], labels: new Array<number>(2 * n).fill(0), groups: [...new Array<number>(n).fill(0), ...new Array<number>(n).fill(1)] };
    const v = sigma * sigma + 2 * s * s;
    const within = sigma / Math.sqrt(v);
    const across = within * Math.exp(-(delta * delta) / (2 * v));
    const population = 2 * within - 2 * across;
    const bias = (2 * (1 - within)) / n;
    const value = penaltyValue(minDiffMmd({ label: 0, bandwidth: sigma }), gauss);
    expect(Math.abs(value - (population + bias))).toBeLessThan(0.03 * population);
  });

  it('absolute correlation equals the weighted Pearson closed form; ±1 when the score is the membership', () => {
    for (const k of [2, 3]) {
      const batch = randomBatch(20 + k, 50, k);
      const expected = oneVsRest64(batch, 1, (a) => {
        const rows = batch.scores.map((_, i) => i).filter((i) => batch.labels[i] === 1);
        return corr64(rows.map((i) => (a.includes(i) ? 1 : 0)), rows.map((i) => batch.scores[i]!), rows.map((i) => batch.weights![i]!));
      });
      expect(penaltyValue(minDiffAbsCorrelation({ label: 1 }), batch)).toBeCloseTo(expected, 5);
    }
    const separated: PenaltyBatch = { scores: [0.2, 0.2, 0.2, 0.7, 0.7], labels: [0, 0, 0, 0, 0], groups: [0, 0, 0, 1, 1] };
    expect(penaltyValue(minDiffAbsCorrelation({ label: 0 }), separated)).toBeCloseTo(1, 5);
  });

  it('only rows with the label count: moving positives changes nothing; fewer than two groups gives 0; missing metadata is refused', () => {
    const batch = randomBatch(5, 40, 2);
    const moved = { ...batch, scores: batch.scores.map((s, i) => (batch.labels[i] === 1 ? 1 - s : s)) };
    for (const term of [minDiffMmd({ label: 0 }), minDiffAbsCorrelation({ label: 0 })]) {
      expect(penaltyValue(term, moved)).toBeCloseTo(penaltyValue(term, batch), 6);
      expect(penaltyValue(term, { ...batch, groups: batch.groups.map(() => 1) })).toBe(0);
    }
    expect(() => penaltyValue(minDiffMmd({ groupKey: 'sex' }), batch)).toThrow(/no metadata column 'sex'/);
    expect(() => minDiffMmd({ bandwidth: 0 })).toThrow(/bandwidth/);
  });

  it('gradients with respect to the logits match float64 central differences', () => {
    const batch = randomBatch(8, 24, 3);
    const sigma = 0.15;
    const cases = [
      { term: minDiffMmd({ label: 0, bandwidth: sigma }), f: (b: PenaltyBatch) => oneVsRest64(b, 0, (x, y) => mmd64(x.map((i) => [b.scores[i]!, b.weights![i]!]), y.map((i) => [b.scores[i]!, b.weights![i]!]), sigma)) },
      { term: minDiffAbsCorrelation({ label: 0 }), f: (b: PenaltyBatch) => oneVsRest64(b, 0, (x) => { const rows = b.scores.map((_, i) => i).filter((i) => b.labels[i] === 0); return corr64(rows.map((i) => (x.includes(i) ? 1 : 0)), rows.map((i) => b.scores[i]!), rows.map((i) => b.weights![i]!)); }) },
    ];
    for (const { term, f } of cases) {
      const grad = penaltyGradient(term, batch);
      const z = batch.scores.map(logit);
      const h = 1e-5;
      let scale = 0;
      const numeric = z.map((_, i) => {
        const at = (d: number): number => f({ ...batch, scores: z.map((v, j) => sigmoid(j === i ? v + d : v)) });
        const g = (at(h) - at(-h)) / (2 * h);
        scale = Math.max(scale, Math.abs(g));
        return g;
      });
      expect(scale).toBeGreaterThan(1e-3);
      numeric.forEach((g, i) => expect(Math.abs(grad[i]! - g)).toBeLessThan(2e-3 * scale + 1e-6));
      // rows without the label get no gradient
      batch.labels.forEach((y, i) => y === 1 && expect(grad[i]).toBe(0));
    }
  });
});
