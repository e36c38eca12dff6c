import { describe, expect, it } from 'vitest';
import { GlassboxError } from '../../errors.js';
import { Rng } from '../../rng.js';
import {
  accuracy,
  averagePrecision,
  balancedAccuracy,
  brierScore,
  brierScoreMulticlass,
  confusionMatrix,
  f1Score,
  logLoss,
  meanAbsoluteError,
  meanSquaredError,
  precisionRecallF1,
  r2Score,
  rocAuc,
  rocAucOvr,
} from './index.js';

const i32 = (a: number[]): Int32Array => Int32Array.from(a);
const f64 = (a: number[]): Float64Array => Float64Array.from(a);

/** O(n²) Mann–Whitney AUC with ties counting one half — the definition rocAuc must match. */
function pairwiseAuc(y: Int32Array, s: Float64Array, w?: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      const ww = (w ? w[i]! * w[j]! : 1);
      den += ww;
      num += ww * (s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0);
    }
  }
  return num / den;
}

/** Average precision from its definition: mean over positives of precision at their threshold (ties grouped). */
function definitionAp(y: Int32Array, s: Float64Array): number {
  let sum = 0;
  let positives = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    positives++;
    let tp = 0;
    let all = 0;
    for (let j = 0; j < y.length; j++) {
      if (s[j]! >= s[i]!) {
        all++;
        if (y[j] === 1) tp++;
      }
    }
    sum += tp / all;
  }
  return sum / positives;
}

function randomCase(seed: number, n: number, levels: number): { y: Int32Array; s: Float64Array; w: Float64Array } {
  const rng = new Rng(seed);
  const y = new Int32Array(n);
  const s = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.next() < 0.4 ? 1 : 0;
    s[i] = Math.floor((rng.next() + 0.3 * y[i]!) * levels) / levels; // coarse levels → many ties
    w[i] = 1 + rng.int(3);
  }
  return { y, s, w };
}

describe('classification counts', () => {
  it('confusion matrix follows sklearn layout (row = true, column = predicted)', () => {
    const cm = confusionMatrix(i32([2, 0, 2, 2, 0, 1]), i32([0, 0, 2, 2, 0, 2]));
    expect(Array.from(cm.counts)).toEqual([2, 0, 0, 0, 0, 1, 1, 0, 2]);
  });

  it('accuracy and balanced accuracy on closed-form cases', () => {
    expect(accuracy(i32([0, 1, 1, 0]), i32([0, 1, 0, 0]))).toBe(0.75);
    expect(balancedAccuracy(i32([0, 0, 0, 1]), i32([0, 0, 1, 1]))).toBeCloseTo((2 / 3 + 1) / 2, 15);
    // a class only among the predictions is left out, as sklearn does
    expect(balancedAccuracy(i32([0, 0]), i32([0, 1]))).toBe(0.5);
  });

  it('integer sample weights equal duplicated rows', () => {
    const y = i32([0, 1, 1, 0, 2]);
    const p = i32([0, 1, 0, 2, 2]);
    const w = f64([1, 3, 2, 1, 2]);
    const yDup = i32([0, 1, 1, 1, 1, 1, 0, 2, 2]);
    const pDup = i32([0, 1, 1, 1, 0, 0, 2, 2, 2]);
    expect(accuracy(y, p, { sampleWeight: w })).toBeCloseTo(accuracy(yDup, pDup), 15);
    expect(balancedAccuracy(y, p, { sampleWeight: w })).toBeCloseTo(balancedAccuracy(yDup, pDup), 15);
    expect(precisionRecallF1(y, p, { sampleWeight: w, average: 'macro' }).f1).toBeCloseTo(precisionRecallF1(yDup, pDup, { average: 'macro' }).f1, 15);
  });
});

describe('precision, recall, F1', () => {
  const y = i32([1, 1, 1, 0, 0, 0, 1]);
  const p = i32([1, 0, 1, 1, 0, 0, 1]);
  it('binary: TP 3, FP 1, FN 1', () => {
    const r = precisionRecallF1(y, p);
    expect(r.precision).toBe(0.75);
    expect(r.recall).toBe(0.75);
    expect(r.f1).toBe(0.75);
    expect(f1Score(y, p, { positiveClass: 0 })).toBeCloseTo((2 * 2) / (2 * 2 + 1 + 1), 15);
  });
  it('micro F1 equals accuracy for single-label multiclass; macro averages per class', () => {
    const ym = i32([0, 1, 2, 0, 1, 2, 2]);
    const pm = i32([0, 2, 1, 0, 0, 2, 2]);
    expect(precisionRecallF1(ym, pm, { average: 'micro' }).f1).toBeCloseTo(accuracy(ym, pm), 15);
    const perClass = [0, 1, 2].map((c) => {
      const yc = i32(Array.from(ym, (v) => (v === c ? 1 : 0)));
      const pc = i32(Array.from(pm, (v) => (v === c ? 1 : 0)));
      return f1Score(yc, pc);
    });
    expect(precisionRecallF1(ym, pm, { average: 'macro' }).f1).toBeCloseTo((perClass[0]! + perClass[1]! + perClass[2]!) / 3, 15);
  });
  it('zero division yields the zeroDivision value; binary on multiclass labels throws', () => {
    expect(precisionRecallF1(i32([0, 0]), i32([0, 0])).precision).toBe(0);
    expect(precisionRecallF1(i32([0, 0]), i32([0, 0]), { zeroDivision: 1 }).recall).toBe(1);
    expect(() => precisionRecallF1(i32([0, 1, 2]), i32([0, 1, 2]))).toThrow(GlassboxError);
  });
});

describe('ROC AUC and average precision', () => {
  it('matches the pairwise Mann–Whitney definition with ties and weights', () => {
    for (const seed of [1, 2, 3]) {
      const { y, s, w } = randomCase(seed, 300, 7);
      expect(rocAuc(y, s)).toBeCloseTo(pairwiseAuc(y, s), 12);
      expect(rocAuc(y, s, { sampleWeight: w })).toBeCloseTo(pairwiseAuc(y, s, w), 12);
    }
  });
  it('closed forms: perfect 1, reversed 0, all tied 0.5, one class NaN', () => {
    expect(rocAuc(i32([0, 0, 1, 1]), f64([0.1, 0.2, 0.3, 0.4]))).toBe(1);
    expect(rocAuc(i32([1, 1, 0, 0]), f64([0.1, 0.2, 0.3, 0.4]))).toBe(0);
    expect(rocAuc(i32([1, 0, 1, 0]), f64([0.5, 0.5, 0.5, 0.5]))).toBe(0.5);
    expect(rocAuc(i32([1, 1, 1]), f64([0.1, 0.5, 0.9]))).toBeNaN();
    expect(rocAuc(i32([0, 0, 1, 1]), f64([0.1, 0.4, 0.35, 0.8]))).toBe(0.75); // sklearn docs example
  });
  it('one-vs-rest macro AUC averages per-class AUCs', () => {
    const y = i32([0, 1, 2, 2, 1, 0]);
    const probs = f64([0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.3, 0.6, 0.3, 0.3, 0.4, 0.2, 0.6, 0.2, 0.5, 0.4, 0.1]);
    const col = (c: number): Float64Array => f64([0, 1, 2, 3, 4, 5].map((i) => probs[i * 3 + c]!));
    const expected = [0, 1, 2].map((c) => rocAuc(y, col(c), { positiveClass: c }));
    expect(rocAucOvr(y, probs)).toBeCloseTo((expected[0]! + expected[1]! + expected[2]!) / 3, 15);
  });
  it('average precision matches its definition and sklearn docs example', () => {
    expect(averagePrecision(i32([0, 0, 1, 1]), f64([0.1, 0.4, 0.35, 0.8]))).toBeCloseTo(0.8333333333333333, 15);
    for (const seed of [4, 5]) {
      const { y, s } = randomCase(seed, 200, 5);
      expect(averagePrecision(y, s)).toBeCloseTo(definitionAp(y, s), 12);
    }
    expect(averagePrecision(i32([0, 0]), f64([0.2, 0.3]))).toBeNaN();
  });
});

describe('probabilistic losses', () => {
  it('log loss: sklearn docs example, binary vector = two-column matrix, clipping', () => {
    const y = i32([1, 0, 0, 1]);
    const m = f64([0.1, 0.9, 0.9, 0.1, 0.8, 0.2, 0.35, 0.65]);
    expect(logLoss(y, m)).toBeCloseTo(0.21616187468057912, 14);
    expect(logLoss(y, f64([0.9, 0.1, 0.2, 0.65]))).toBeCloseTo(logLoss(y, m), 14);
    expect(logLoss(i32([1]), f64([0]))).toBeCloseTo(-Math.log(1e-15), 6);
    expect(Number.isFinite(logLoss(i32([0, 1]), f64([1, 0])))).toBe(true);
    expect(() => logLoss(i32([0, 2]), f64([0.5, 0.5, 0.5, 0.5]))).toThrow(/class 2/);
  });
  it('Brier: sklearn docs example, multiclass on 2 columns is twice the binary score', () => {
    const y = i32([0, 1, 1, 0]);
    const p = f64([0.1, 0.9, 0.8, 0.3]);
    expect(brierScore(y, p)).toBeCloseTo(0.0375, 15);
    const m = f64([0.9, 0.1, 0.1, 0.9, 0.2, 0.8, 0.7, 0.3]);
    expect(brierScoreMulticlass(y, m)).toBeCloseTo(2 * brierScore(y, p), 15);
  });
});

describe('regression', () => {
  const yt = f64([3, -0.5, 2, 7]);
  const yp = f64([2.5, 0, 2, 8]);
  it('sklearn docs examples', () => {
    expect(meanSquaredError(yt, yp)).toBe(0.375);
    expect(meanAbsoluteError(yt, yp)).toBe(0.5);
    expect(r2Score(yt, yp)).toBeCloseTo(0.9486081370449679, 14);
  });
  it('R² on constant targets follows force_finite', () => {
    expect(r2Score(f64([2, 2]), f64([2, 2]))).toBe(1);
    expect(r2Score(f64([2, 2]), f64([2, 3]))).toBe(0);
    expect(r2Score(yt, f64([3, -0.5, 2, 7]))).toBe(1);
  });
});

describe('bad input', () => {
  it('empty input, mismatched lengths, bad labels and weights throw GlassboxError naming the argument', () => {
    expect(() => accuracy(i32([]), i32([]))).toThrow(/empty/);
    expect(() => accuracy(i32([0, 1]), i32([0]))).toThrow(/predictions/);
    expect(() => rocAuc(f64([0, 0.5]), f64([0.1, 0.2]))).toThrow(/labels'\[1\]/);
    expect(() => rocAuc(i32([0, 1]), f64([0.1, Number.NaN]))).toThrow(/scores/);
    expect(() => accuracy(i32([0, 1]), i32([0, 1]), { sampleWeight: f64([0, 0]) })).toThrow(/sums to 0/);
    expect(() => meanSquaredError(f64([]), f64([]))).toThrow(GlassboxError);
    expect(() => logLoss(i32([0, 1, 0]), f64([0.1, 0.2, 0.3, 0.4]))).toThrow(/multiple/);
  });
});
