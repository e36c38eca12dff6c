import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { conformalQuantile, conformalRank } from './quantile.js';
import { calibrateConformalClassifier, predictSets, setOf } from './split-conformal.js';
import type { ConformalClassifierOptions } from './split-conformal.js';

// Dyadic probabilities (multiples of 1/8) add up exactly in floating point, so hand-worked scores are exact.
const CAL = [
  [0.5, 0.25, 0.25],
  [0.25, 0.5, 0.25],
  [0.375, 0.375, 0.25],
  [0.125, 0.125, 0.75],
  [0.75, 0.125, 0.125],
];
const CAL_Y = [0, 2, 1, 0, 0];
const TEST = [
  [0.5, 0.25, 0.25],
  [0.25, 0.25, 0.5],
  [0.125, 0.875, 0],
  [0, 0, 1],
];
const flat = (rows: number[][]): Float64Array => Float64Array.from(rows.flat());

function sets(options: ConformalClassifierOptions, cal = CAL, y = CAL_Y, test = TEST): { qhat: number[]; sets: number[][] } {
  const model = calibrateConformalClassifier(flat(cal), 3, y, options);
  const predicted = predictSets(model, flat(test));
  return { qhat: model.thresholds.map((t) => t.qhat), sets: test.map((_, i) => setOf(predicted, i)) };
}

describe('conformal quantile', () => {
  it('takes the ⌈(n+1)(1−α)⌉-th smallest score, and +∞ when that rank exceeds n', () => {
    expect(conformalRank(9, 0.1)).toBe(9); // (9+1)·0.9 = 9 exactly, not 10 from rounding error
    expect(conformalRank(5, 0.4)).toBe(4); // ⌈3.6⌉
    expect(conformalRank(99, 0.1)).toBe(90);
    const scores = [0.7, 0.2, 0.4, 0.6];
    expect(conformalQuantile(scores, 0.2)).toMatchObject({ qhat: 0.7, rank: 4, n: 4, infinite: false });
    expect(conformalQuantile(scores, 0.5)).toMatchObject({ qhat: 0.6, rank: 3 });
    expect(conformalQuantile(scores, 0.1)).toMatchObject({ qhat: Number.POSITIVE_INFINITY, rank: 5, infinite: true });
    expect(conformalQuantile([], 0.1).infinite).toBe(true);
  });

  it('keeps ties: the order statistic of tied scores is their common value', () => {
    expect(conformalQuantile([0.5, 0.75, 0.75, 0.875, 1], 0.4).qhat).toBe(0.875);
    expect(conformalQuantile([0.5, 0.75, 0.75, 0.75, 1], 0.4).qhat).toBe(0.75);
  });

  it('refuses α outside (0, 1) and NaN scores', () => {
    expect(() => conformalQuantile([1], 0)).toThrow(/alpha must be in \(0, 1\)/);
    expect(() => conformalQuantile([1, Number.NaN], 0.1)).toThrow(/score 1 is NaN/);
  });
});

describe('split conformal sets, hand-worked', () => {
  it('LAC: scores 1 − p_y; the set is {k : 1 − p_k ≤ q̂}', () => {
    // calibration scores 0.5, 0.75, 0.625, 0.875, 0.25 → sorted 0.25 0.5 0.625 0.75 0.875; α=0.4 → rank 4 → 0.75
    const r = sets({ alpha: 0.4, score: 'lac' });
    expect(r.qhat).toEqual([0.75]);
    expect(r.sets).toEqual([[0, 1, 2], [0, 1, 2], [1], [2]]);
    const strict = sets({ alpha: 0.6, score: 'lac' }); // ⌈2.4⌉ = 3 → 0.625
    expect(strict.qhat).toEqual([0.625]);
    expect(strict.sets).toEqual([[0], [2], [1], [2]]);
  });

  it('APS: cumulative mass at or above the true class; ties ranked lower class index first; empty when the top class alone exceeds q̂', () => {
    // row 1 [.25 .5 .25] ranks 1, 0, 2 (0 before 2 on the tie): y=2 scores 1; row 2 ranks 0, 1: y=1 scores .75
    // scores 0.5, 1, 0.75, 0.875, 0.75 → rank 4 of (.5 .75 .75 .875 1) = 0.875
    const r = sets({ alpha: 0.4, score: 'aps' });
    expect(r.qhat).toEqual([0.875]);
    // test 0: class 1 before 2 on the tie → scores .5 .75 1; test 1: ranks 2, 0, 1 → .75 1 .5
    // test 2: class 1 alone is .875 ≤ q̂; test 3: the top class alone has mass 1 > q̂ → empty set
    expect(r.sets).toEqual([[0, 1], [0, 2], [1], []]);
  });

  it('RAPS: APS + λ·max(0, rank − k_reg) with 1-based ranks', () => {
    // λ = 1/16, k_reg = 1: scores 0.5, 1.125, 0.8125, 0.9375, 0.75 → rank 4 = 0.9375
    const r = sets({ alpha: 0.4, score: 'raps', lambda: 0.0625, kReg: 1 });
    expect(r.qhat).toEqual([0.9375]);
    expect(r.sets).toEqual([[0, 1], [0, 2], [1], []]);
    // k_reg = 0 penalises the top class too: scores 0.5625, 1.1875, 0.875, 1, 0.8125 → rank 4 = 1
    const r0 = sets({ alpha: 0.4, score: 'raps', lambda: 0.0625, kReg: 0 });
    expect(r0.qhat).toEqual([1]);
    // test 2: class 1 scores .9375, class 0 1.125 → {1}; test 3: 1.0625 → empty
    expect(r0.sets).toEqual([[0, 1], [0, 2], [1], []]);
    // a large λ (4) puts the true class ranked third at 5: scores .5 5 .75 .875 .75 → q̂ = .875, sets stop at rank 2
    const big = sets({ alpha: 0.4, score: 'raps', lambda: 4, kReg: 2 });
    expect(big.qhat).toEqual([0.875]);
    expect(big.sets).toEqual([[0, 1], [0, 2], [1], []]);
  });

  it('q̂ = +∞ when ⌈(n+1)(1−α)⌉ > n: every set holds every class', () => {
    for (const score of ['lac', 'aps', 'raps'] as const) {
      const r = sets({ alpha: 0.1, score });
      expect(r.qhat).toEqual([Number.POSITIVE_INFINITY]);
      expect(r.sets).toEqual(TEST.map(() => [0, 1, 2]));
    }
  });

  it('class-conditional: one q̂ per true class, class k in the set when its score ≤ q̂_k', () => {
    // LAC scores by class: class 0 {0.5, 0.875, 0.25}, class 1 {0.625}, class 2 {0.75}; α = 0.5:
    // class 0: ⌈4·0.5⌉ = 2 → 0.5; classes 1, 2 (n=1): ⌈2·0.5⌉ = 1 → their one score
    const model = calibrateConformalClassifier(flat(CAL), 3, CAL_Y, { alpha: 0.5, score: 'lac', conditioning: 'class' });
    expect(model.thresholds.map((t) => t.qhat)).toEqual([0.5, 0.625, 0.75]);
    const predicted = predictSets(model, flat(TEST));
    // test 0: 1−p = .5 .75 .75 → class 0 (≤ .5), class 1 (.75 > .625: out), class 2 (.75 ≤ .75) → {0, 2};
    // test 2: 1−p = .875 .125 1 → only class 1
    expect(TEST.map((_, i) => setOf(predicted, i))).toEqual([[0, 2], [2], [1], [2]]);
  });

  it('group-conditional: each row uses its own group\'s q̂; an unknown group (−1) gets every class', () => {
    const model = calibrateConformalClassifier(flat(CAL), 3, CAL_Y, { alpha: 0.5, score: 'lac', conditioning: 'group' }, [0, 0, 1, 1, 1]);
    // group 0 scores {0.5, 0.75}: ⌈3·0.5⌉ = 2 → 0.75; group 1 {0.625, 0.875, 0.25}: ⌈2⌉ = 2 → 0.625
    expect(model.thresholds.map((t) => t.qhat)).toEqual([0.75, 0.625]);
    const predicted = predictSets(model, flat(TEST), [0, 1, 1, -1]);
    expect(TEST.map((_, i) => setOf(predicted, i))).toEqual([[0, 1, 2], [2], [1], [0, 1, 2]]);
  });

  it('refuses logits, labels out of range and randomised LAC before any work', () => {
    expect(() => calibrateConformalClassifier([2, -1, 0.5, 0.5], 2, [0, 1], { alpha: 0.1, score: 'lac' })).toThrow(/row 0, class 0 is 2/);
    expect(() => calibrateConformalClassifier([0.5, 0.4, 0.5, 0.5], 2, [0, 1], { alpha: 0.1, score: 'aps' })).toThrow(/row 0 sums to 0\.9/);
    expect(() => calibrateConformalClassifier([0.5, 0.5], 2, [2], { alpha: 0.1, score: 'lac' })).toThrow(/label 2/);
    expect(() => calibrateConformalClassifier([0.5, 0.5], 2, [0], { alpha: 0.1, score: 'lac', randomized: true })).toThrow(/randomized applies/);
    expect(() => calibrateConformalClassifier([0.5, 0.5], 2, [0], { alpha: 0.1, score: 'aps', lambda: 1 })).toThrow(/RAPS parameters/);
  });
});

/** The textbook construction, written independently: sort, then walk classes while the mass fits. */
function directSets(cal: Float64Array, y: number[], test: Float64Array, k: number, alpha: number, score: 'lac' | 'aps' | 'raps', lambda: number, kReg: number): { qhat: number; sets: number[][] } {
  const ranked = (row: Float64Array): number[] => Array.from({ length: k }, (_, c) => c).sort((a, b) => (row[b]! > row[a]! ? 1 : row[b]! < row[a]! ? -1 : a - b));
  const pen = (rank1: number): number => (score === 'raps' ? lambda * Math.max(0, rank1 - kReg) : 0);
  const trueScore = (row: Float64Array, label: number): number => {
    if (score === 'lac') return 1 - row[label]!;
    const order = ranked(row);
    let mass = 0;
    for (let r = 0; r < k; r++) {
      mass = r === k - 1 ? 1 : Math.min(1, mass + row[order[r]!]!);
      if (order[r] === label) return mass + pen(r + 1);
    }
    throw new Error('unreachable');
  };
  const n = y.length;
  const scores = y.map((label, i) => trueScore(cal.subarray(i * k, (i + 1) * k), label)).sort((a, b) => a - b);
  const index = Math.ceil((n + 1) * (1 - alpha) - 1e-9) - 1;
  const qhat = index >= n ? Number.POSITIVE_INFINITY : scores[index]!;
  const out: number[][] = [];
  for (let i = 0; i < test.length / k; i++) {
    const row = test.subarray(i * k, (i + 1) * k);
    if (score === 'lac') {
      out.push(Array.from({ length: k }, (_, c) => c).filter((c) => 1 - row[c]! <= qhat));
      continue;
    }
    const order = ranked(row);
    const members: number[] = [];
    let mass = 0;
    for (let r = 0; r < k; r++) {
      mass = r === k - 1 ? 1 : Math.min(1, mass + row[order[r]!]!); // the whole row's mass is 1
      if (mass + pen(r + 1) > qhat) break;
      members.push(order[r]!);
    }
    out.push(members.sort((a, b) => a - b));
  }
  return { qhat, sets: out };
}

function randomProbs(rng: Rng, n: number, k: number, quantised: boolean): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const v = quantised ? 1 + rng.int(4) : Math.exp(2 * rng.normal());
      out[i * k + c] = v;
      sum += v;
    }
    for (let c = 0; c < k; c++) out[i * k + c] = out[i * k + c]! / sum;
  }
  return out;
}

describe('split conformal sets equal the direct construction', () => {
  it('on random arrays, with and without tied probabilities, for every score', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 40; trial++) {
      const k = 2 + rng.int(6);
      const quantised = trial % 2 === 0;
      const cal = randomProbs(rng, 30, k, quantised);
      const test = randomProbs(rng, 20, k, quantised);
      const y = Array.from({ length: 30 }, () => rng.int(k));
      const alpha = [0.05, 0.1, 0.2, 0.33][trial % 4]!;
      for (const score of ['lac', 'aps', 'raps'] as const) {
        const lambda = score === 'raps' ? 0.05 : undefined;
        const kReg = score === 'raps' ? 1 + (trial % 2) : undefined;
        const model = calibrateConformalClassifier(cal, k, y, { alpha, score, ...(lambda === undefined ? {} : { lambda, kReg: kReg! }) });
        const predicted = predictSets(model, test);
        const direct = directSets(cal, y, test, k, alpha, score, lambda ?? 0, kReg ?? 0);
        expect(model.thresholds[0]!.qhat).toBe(direct.qhat);
        expect(Array.from({ length: 20 }, (_, i) => setOf(predicted, i))).toEqual(direct.sets);
      }
    }
  });

  it('is deterministic under a seed for the randomised scores, and the seed matters', () => {
    const rng = new Rng(5);
    const cal = randomProbs(rng, 50, 4, false);
    const test = randomProbs(rng, 50, 4, false);
    const y = Array.from({ length: 50 }, () => rng.int(4));
    const run = (seed: number): Uint8Array => predictSets(calibrateConformalClassifier(cal, 4, y, { alpha: 0.2, score: 'aps', randomized: true, seed }), test).mask;
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });
});

describe('float32 probabilities', () => {
  it('the class ranked last has cumulative mass exactly 1, so rounding of the row sum never decides membership', () => {
    // float32 rows whose sums round to 1 ± 1e-7: every calibration label is the second class (score 1)
    const cal = Float32Array.from([0.7, 0.3, 0.9, 0.1, 0.6, 0.4, 0.8, 0.2, 0.55, 0.45]);
    const model = calibrateConformalClassifier(cal, 2, [1, 1, 1, 1, 1], { alpha: 0.4, score: 'aps' });
    expect(model.thresholds[0]!.qhat).toBe(1);
    const sets = predictSets(model, Float32Array.from([0.7, 0.3, 0.33, 0.67, 0.9, 0.1]));
    expect(Array.from(sets.sizes)).toEqual([2, 2, 2]);
  });
});
