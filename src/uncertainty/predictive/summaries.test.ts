import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { uncertaintyVsErrors } from './error-detection.js';
import { entropyAt, predictiveSummaries } from './summaries.js';

const LN2 = Math.log(2);

function samples(draws: number[][][]): { data: Float64Array; samples: number; rows: number; classes: number } {
  return { data: Float64Array.from(draws.flat(2)), samples: draws.length, rows: draws[0]!.length, classes: draws[0]![0]!.length };
}

describe('predictiveSummaries', () => {
  it('gives zero mutual information and zero variance when every sample is the same', () => {
    const row = [[0.2, 0.3, 0.5], [0.7, 0.2, 0.1]];
    const s = predictiveSummaries(samples([row, row, row, row]));
    for (let i = 0; i < 2; i++) {
      expect(s.mutualInformation[i]).toBe(0);
      expect(s.variance[i]).toBeCloseTo(0, 15);
      expect(s.entropy[i]).toBeCloseTo(entropyAt(row[i]!, 0, 3), 14);
      expect(s.expectedEntropy[i]).toBeCloseTo(s.entropy[i]!, 14);
    }
    expect(Array.from(s.predicted)).toEqual([2, 0]);
    expect(s.varianceOf).toBe('predicted-class');
  });

  it('matches the closed form for two confident samples that disagree (MI = ln 2)', () => {
    const s = predictiveSummaries(samples([[[1, 0]], [[0, 1]]]));
    expect(Array.from(s.mean)).toEqual([0.5, 0.5]);
    expect(s.entropy[0]).toBeCloseTo(LN2, 15);
    expect(s.expectedEntropy[0]).toBe(0);
    expect(s.mutualInformation[0]).toBeCloseTo(LN2, 15);
    // positive class: values 0 and 1 around 0.5 → variance 1/4
    expect(s.variance[0]).toBeCloseTo(0.25, 15);
    expect(s.varianceOf).toBe('positive-class');
  });

  it('matches the closed form for two soft binary samples', () => {
    const h = (p: number): number => -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    const s = predictiveSummaries(samples([[[0.9, 0.1]], [[0.5, 0.5]]]));
    expect(s.entropy[0]).toBeCloseTo(h(0.7), 14);
    expect(s.expectedEntropy[0]).toBeCloseTo((h(0.9) + LN2) / 2, 14);
    expect(s.mutualInformation[0]).toBeCloseTo(h(0.7) - (h(0.9) + LN2) / 2, 14);
    expect(s.variance[0]).toBeCloseTo(0.04, 14);
  });

  it('keeps total = aleatoric + epistemic and 0 ≤ MI ≤ ln K on random samples, independent of sample order', () => {
    const rng = new Rng(5);
    const S = 7, n = 20, K = 4;
    const data = new Float64Array(S * n * K);
    for (let r = 0; r < S * n; r++) {
      let sum = 0;
      for (let c = 0; c < K; c++) sum += data[r * K + c] = rng.next() ** 3;
      for (let c = 0; c < K; c++) data[r * K + c] = data[r * K + c]! / sum;
    }
    const s = predictiveSummaries({ data, samples: S, rows: n, classes: K });
    const reversed = new Float64Array(data.length);
    for (let t = 0; t < S; t++) reversed.set(data.subarray(t * n * K, (t + 1) * n * K), (S - 1 - t) * n * K);
    const r = predictiveSummaries({ data: reversed, samples: S, rows: n, classes: K });
    for (let i = 0; i < n; i++) {
      expect(s.entropy[i]! - s.expectedEntropy[i]!).toBeCloseTo(s.mutualInformation[i]!, 12);
      expect(s.mutualInformation[i]).toBeGreaterThan(0);
      expect(s.mutualInformation[i]).toBeLessThanOrEqual(Math.log(K));
      expect(r.mutualInformation[i]).toBeCloseTo(s.mutualInformation[i]!, 12);
    }
  });

  it('rejects samples whose length does not match the layout', () => {
    expect(() => predictiveSummaries({ data: new Float64Array(5), samples: 2, rows: 1, classes: 2 })).toThrow(/do not make \[2, 1, 2\]/);
  });
});

describe('uncertaintyVsErrors', () => {
  it('gives AUROC 1 when every wrong row is more uncertain than every right one, and counts against a direct pairwise count', () => {
    // rows 0,1 confident and right; rows 2,3 unsure and wrong (label 0, predicted 1)
    const s = predictiveSummaries(samples([
      [[0.99, 0.01], [0.98, 0.02], [0.4, 0.6], [0.1, 0.9]],
      [[0.97, 0.03], [0.99, 0.01], [0.45, 0.55], [0.8, 0.2]],
    ]));
    const labels = [0, 0, 0, 0];
    const result = uncertaintyVsErrors(s, labels);
    expect(result.errors).toBe(2);
    expect(result.accuracy).toBe(0.5);
    expect(result.errorAurocEntropy).toBe(1);
    let pairs = 0;
    let wins = 0;
    for (const w of [2, 3]) for (const c of [0, 1]) {
      pairs++;
      const d = s.mutualInformation[w]! - s.mutualInformation[c]!;
      wins += d > 0 ? 1 : d === 0 ? 0.5 : 0;
    }
    expect(result.errorAurocMutualInformation).toBeCloseTo(wins / pairs, 15);
    expect(result.meanEntropyWrong!).toBeGreaterThan(result.meanEntropyCorrect!);
  });

  it('reports null AUROCs when there are no errors', () => {
    const s = predictiveSummaries(samples([[[0.9, 0.1]]]));
    const result = uncertaintyVsErrors(s, [0]);
    expect(result.errorAurocEntropy).toBeNull();
    expect(result.meanEntropyWrong).toBeNull();
  });
});
