import { describe, expect, it } from 'vitest';
import { GlassboxError } from '../errors.js';
import { Rng } from '../rng.js';
import { findLabelIssues } from './find-label-issues.js';

/** Binary rows given as p̂(class 1); labels. */
const binary = (p1: number[]): number[] => p1.flatMap((p) => [1 - p, p]);

describe('findLabelIssues on a hand-computed case', () => {
  // labels 0,0,0,1,1,1,0; p̂(1) below. Thresholds: t0 = (0.9+0.8+0.1+0.45)/4 = 0.5625, t1 = (0.8+0.7+0.3)/3 = 0.6.
  // Confident counts: rows 0,1 → (0,0); row 2 → (0,1); rows 3,4 → (1,1); row 5 → (1,0); row 6 passes neither.
  // C = [[2,1],[1,2]]; calibrated: row 0 scaled to its 4 labels → [8/3, 4/3] → [3, 1]; row 1 stays [1, 2].
  // Prune by noise rate: of the rows labelled 0, the C[0][1] = 1 with the largest p̂1 − p̂0 (row 2);
  // of those labelled 1, the C[1][0] = 1 with the largest p̂0 − p̂1 (row 5). Row 6 (p̂1 = 0.55) is not flagged,
  // though the out-of-fold prediction disagrees with its label.
  const probabilities = binary([0.1, 0.2, 0.9, 0.8, 0.7, 0.3, 0.55]);
  const labels = [0, 0, 0, 1, 1, 1, 0];
  const result = findLabelIssues(probabilities, labels, 2);

  it('has the thresholds, confident joint and calibrated joint worked out by hand', () => {
    expect(Array.from(result.thresholds)).toEqual([expect.closeTo(0.5625, 12), expect.closeTo(0.6, 12)]);
    expect(Array.from(result.confidentJoint)).toEqual([2, 1, 1, 2]);
    expect(Array.from(result.calibratedJoint)).toEqual([3, 1, 1, 2]);
    expect(result.estimatedIssues).toBe(2);
  });

  it('flags rows 2 and 5, most suspicious first, with the other class suggested', () => {
    expect(Array.from(result.issues)).toEqual([2, 5]);
    expect(Array.from(result.givenLabels)).toEqual([0, 1]);
    expect(Array.from(result.suggestedLabels)).toEqual([1, 0]);
    expect(Array.from(result.scores)).toEqual([expect.closeTo(0.1, 12), expect.closeTo(0.3, 12)]);
  });

  it('estimates the noise matrix P(given | true) and its inverse from the calibrated joint', () => {
    // columns of [[3,1],[1,2]] normalised: true 0 → (3/4, 1/4), true 1 → (1/3, 2/3)
    expect(Array.from(result.estimates.noiseMatrix)).toEqual([0.75, 1 / 3, 0.25, 2 / 3].map((v) => expect.closeTo(v, 12)));
    // rows normalised: given 0 → (3/4, 1/4), given 1 → (1/3, 2/3)
    expect(Array.from(result.estimates.inverseNoiseMatrix)).toEqual([0.75, 0.25, 1 / 3, 2 / 3].map((v) => expect.closeTo(v, 12)));
    expect(Array.from(result.estimates.prior)).toEqual([4 / 7, 3 / 7].map((v) => expect.closeTo(v, 12)));
  });

  it('normalized margin scores (p̂ỹ − max other + 1)/2', () => {
    const margin = findLabelIssues(probabilities, labels, 2, { rankBy: 'normalized_margin' });
    expect(Array.from(margin.issues)).toEqual([2, 5]);
    expect(Array.from(margin.scores)).toEqual([expect.closeTo(0.1, 12), expect.closeTo(0.3, 12)]);
  });

  it('prune_by_class takes the n_ỹ − C[ỹ][ỹ] lowest self-confidences per class', () => {
    // class 0: 4 − 3 = 1 row (row 2, p̂0 = 0.1); class 1: 3 − 2 = 1 row (row 5, p̂1 = 0.3)
    expect(Array.from(findLabelIssues(probabilities, labels, 2, { filterBy: 'prune_by_class' }).issues)).toEqual([2, 5]);
  });
});

describe('findLabelIssues properties', () => {
  function noisyCase(seed: number, n = 300, k = 4): { probabilities: Float64Array; labels: Int32Array } {
    const rng = new Rng(seed);
    const probabilities = new Float64Array(n * k);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const truth = rng.int(k);
      labels[i] = rng.next() < 0.1 ? (truth + 1 + rng.int(k - 1)) % k : truth;
      let sum = 0;
      for (let c = 0; c < k; c++) sum += probabilities[i * k + c] = Math.exp((c === truth ? 3 : 0) + rng.normal());
      for (let c = 0; c < k; c++) probabilities[i * k + c]! /= sum;
    }
    return { probabilities, labels };
  }

  it('does not depend on the order of the rows', () => {
    const { probabilities, labels } = noisyCase(1);
    const k = 4;
    const order = new Rng(9).permutation(labels.length);
    const shuffledP = new Float64Array(probabilities.length);
    order.forEach((i, t) => shuffledP.set(probabilities.subarray(i * k, (i + 1) * k), t * k));
    const a = findLabelIssues(probabilities, labels, k);
    const b = findLabelIssues(shuffledP, Int32Array.from(order, (i) => labels[i]!), k);
    expect(Array.from(b.issues, (t) => order[t]!)).toEqual(Array.from(a.issues));
    expect(Array.from(b.calibratedJoint)).toEqual(Array.from(a.calibratedJoint));
  });

  it('flags only rows whose most probable class differs from the given label, and both ⊆ each filter', () => {
    const { probabilities, labels } = noisyCase(2);
    const k = 4;
    const byNoise = findLabelIssues(probabilities, labels, k);
    const byClass = findLabelIssues(probabilities, labels, k, { filterBy: 'prune_by_class' });
    const both = findLabelIssues(probabilities, labels, k, { filterBy: 'both' });
    byNoise.issues.forEach((i, t) => expect(byNoise.suggestedLabels[t]).not.toBe(labels[i]));
    for (let i = 0; i < labels.length; i++) expect(both.isIssue[i]).toBe(byNoise.isIssue[i]! & byClass.isIssue[i]!);
    // calibrated joint rows sum to the label counts
    for (let y = 0; y < k; y++) {
      let row = 0;
      for (let j = 0; j < k; j++) row += byNoise.calibratedJoint[y * k + j]!;
      expect(row).toBe(labels.filter((l) => l === y).length);
    }
  });

  it('returns fewer rows as fracNoise shrinks, each a subset of the full set', () => {
    const { probabilities, labels } = noisyCase(3);
    const full = findLabelIssues(probabilities, labels, 4);
    const half = findLabelIssues(probabilities, labels, 4, { fracNoise: 0.5 });
    expect(half.issues.length).toBeLessThan(full.issues.length);
    for (const i of half.issues) expect(full.isIssue[i]).toBe(1);
  });

  it('finds nothing when every label is the confident prediction', () => {
    const probabilities = binary([0.05, 0.1, 0.2, 0.9, 0.95, 0.8]);
    expect(findLabelIssues(probabilities, [0, 0, 0, 1, 1, 1], 2).issues.length).toBe(0);
  });

  it('refuses bad input with a specific error', () => {
    const bad = (f: () => unknown, pattern: RegExp): void => {
      expect(f).toThrow(GlassboxError);
      expect(f).toThrow(pattern);
    };
    bad(() => findLabelIssues([0.5, 0.4], [0], 2), /row 0 sum to/);
    bad(() => findLabelIssues([0.5, 0.5], [2], 2), /label of row 0 is 2/);
    bad(() => findLabelIssues([1], [0], 1), /at least 2 classes/);
    bad(() => findLabelIssues([0.5, 0.5, 0.5], [0, 1], 2), /do not form 2 rows × 2 classes/);
    bad(() => findLabelIssues([0.5, 0.5], [0], 2, { filterBy: 'prune' as never }), /filterBy must be one of/);
    bad(() => findLabelIssues([0.5, 0.5], [0], 2, { fracNoise: 0 }), /fracNoise must be in/);
  });
});
