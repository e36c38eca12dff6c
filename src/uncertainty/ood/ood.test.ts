import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { evaluateOod } from './evaluate.js';
import { knnReference, knnScores } from './knn.js';
import { energyScores, maxLogitScores, mspScores } from './logit-scores.js';
import { fitMahalanobis, mahalanobisScores } from './mahalanobis.js';

describe('logit scores', () => {
  it('orient MSP, max logit and energy so that flat outputs score higher', () => {
    expect(Array.from(mspScores([0.9, 0.1, 0.5, 0.5], 2, 2))).toEqual([1 - 0.9, 0.5]);
    expect(Array.from(maxLogitScores([3, -1, 0.2, 0.1], 2, 2))).toEqual([-3, -0.2]);
    const e = energyScores([0, 0, 1000, 1000], 2, 2);
    expect(e[0]).toBeCloseTo(-Math.log(2), 15);
    expect(e[1]).toBeCloseTo(-1000 - Math.log(2), 10);
  });
});

describe('evaluateOod', () => {
  it('agrees with a direct pairwise count for AUROC and a direct count for FPR at 95% TPR, with ties', () => {
    const rng = new Rng(4);
    const inScores = Float64Array.from({ length: 200 }, () => Math.round(rng.normal() * 4) / 4);
    const outScores = Float64Array.from({ length: 150 }, () => Math.round((rng.normal() + 1) * 4) / 4);
    const r = evaluateOod(inScores, outScores);
    let wins = 0;
    for (const o of outScores) for (const i of inScores) wins += o > i ? 1 : o === i ? 0.5 : 0;
    expect(r.auroc).toBeCloseTo(wins / (200 * 150), 12);
    const accepted = (t: number): number => inScores.filter((v) => v <= t).length / 200;
    expect(accepted(r.threshold95)).toBeGreaterThanOrEqual(0.95);
    expect(inScores.filter((v) => v < r.threshold95).length / 200).toBeLessThan(0.95);
    expect(r.fprAt95Tpr).toBe(outScores.filter((v) => v <= r.threshold95).length / 150);
  });

  it('gives AUROC 1, AUPR 1 and FPR 0 when every OOD row scores above every in-distribution row', () => {
    const r = evaluateOod([0, 1, 2], [3, 4]);
    expect([r.auroc, r.auprOut, r.auprIn, r.fprAt95Tpr]).toEqual([1, 1, 1, 0]);
  });
});

describe('Mahalanobis', () => {
  it('recovers class means and a shared diagonal covariance exactly, and scores by the nearest class', () => {
    // each class: its mean ± (a, 0) and ± (0, b) → within-class covariance diag(a²/2, b²/2)
    const a = 2, b = 0.5;
    const means = [[0, 0], [10, 4]];
    const rows: number[] = [];
    const labels: number[] = [];
    means.forEach(([mx, my], c) => {
      for (const [dx, dy] of [[a, 0], [-a, 0], [0, b], [0, -b]]) {
        rows.push(mx! + dx!, my! + dy!);
        labels.push(c);
      }
    });
    const model = fitMahalanobis(rows, labels, 8, 2, { ridge: 0 });
    expect(Array.from(model.means)).toEqual([0, 0, 10, 4]);
    const queries = [1, 1, 9, 4.5, 5, 2];
    const scores = mahalanobisScores(model, queries, 3);
    const d2 = (x: number, y: number, m: number[]): number => (x - m[0]!) ** 2 / (a * a / 2) + (y - m[1]!) ** 2 / (b * b / 2);
    for (let i = 0; i < 3; i++) {
      const expected = Math.min(d2(queries[2 * i]!, queries[2 * i + 1]!, means[0]!), d2(queries[2 * i]!, queries[2 * i + 1]!, means[1]!));
      expect(scores[i]).toBeCloseTo(expected, 8);
    }
  });

  it('gives in-distribution Gaussian rows a mean squared distance ≈ d (χ² with d degrees of freedom)', () => {
    const rng = new Rng(9);
    const d = 3, n = 4000;
    // x = A ε with a fixed mixing matrix: covariance A Aᵀ
    const A = [[1, 0, 0], [0.5, 2, 0], [-1, 0.3, 0.7]];
    const draw = (): number[] => {
      const e = [rng.normal(), rng.normal(), rng.normal()];
      return A.map((row) => row.reduce((s, v, j) => s + v * e[j]!, 0));
    };
    const fit = Array.from({ length: n }, draw).flat();
    const model = fitMahalanobis(fit, new Int32Array(n), n, d);
    const test = Array.from({ length: n }, draw).flat();
    const scores = mahalanobisScores(model, test, n);
    const mean = scores.reduce((s, v) => s + v, 0) / n;
    // χ²_d has variance 2d: the mean of n draws has sd √(2d/n)
    expect(Math.abs(mean - d)).toBeLessThan(5 * Math.sqrt((2 * d) / n) + 0.02);
  });
});

describe('kNN distance', () => {
  it('is the distance to the k-th nearest normalised fitting row, as a sort of all distances gives', () => {
    const rng = new Rng(1);
    const n = 50, d = 4;
    const fit = Float64Array.from({ length: n * d }, () => rng.normal());
    const queries = Float64Array.from({ length: 5 * d }, () => rng.normal());
    const unit = (v: number[]): number[] => {
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    for (const k of [1, 3, 10]) {
      const scores = knnScores(knnReference(fit, n, d, { k }), queries, 5);
      for (let i = 0; i < 5; i++) {
        const q = unit(Array.from(queries.subarray(i * d, (i + 1) * d)));
        const dists = Array.from({ length: n }, (_, r) => {
          const f = unit(Array.from(fit.subarray(r * d, (r + 1) * d)));
          return Math.hypot(...f.map((v, j) => v - q[j]!));
        }).sort((x, y) => x - y);
        expect(scores[i]).toBeCloseTo(dists[k - 1]!, 5);
      }
    }
    expect(() => knnReference(fit, n, d, { k: 51 })).toThrow(/k must be an integer in \[1, 50\]/);
  });
});

describe('synthetic OOD sets', () => {
  const rng = new Rng(2);
  const images = { data: Float32Array.from({ length: 3 * 5 * 5 }, () => rng.next()), shape: [3, 5, 5, 1] };
  it('rotate by 90° (four turns give the images back), invert, and shuffle pixels keeping each image’s ink', async () => {
    const { syntheticOodSet } = await import('./synthetic-sets.js');
    let turned: { data: Float32Array; shape: readonly number[] } = images;
    for (let t = 0; t < 4; t++) turned = syntheticOodSet(turned, 'rotated', 0);
    expect(Array.from(turned.data)).toEqual(Array.from(images.data));
    expect(syntheticOodSet(images, 'rotated', 0).data[0]).toBe(images.data[4 * 5]);
    const inverted = syntheticOodSet(images, 'inverted', 0);
    inverted.data.forEach((v, i) => expect(v).toBeCloseTo(1 - images.data[i]!, 6));
    const shuffled = syntheticOodSet(images, 'pixel-shuffled', 1);
    for (let i = 0; i < 3; i++) {
      const sorted = (d: Float32Array): number[] => Array.from(d.subarray(i * 25, (i + 1) * 25)).sort();
      expect(sorted(shuffled.data)).toEqual(sorted(images.data));
    }
    expect(Array.from(syntheticOodSet(images, 'uniform-noise', 4).data)).toEqual(Array.from(syntheticOodSet(images, 'uniform-noise', 4).data));
  });
});
