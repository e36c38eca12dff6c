import { describe, expect, it } from 'vitest';
import { GlassboxError } from '../errors.js';
import { stratifiedFolds } from '../math/stratified-folds.js';
import { crossFitProbabilities } from './cross-fit.js';
import type { ProbabilisticLearner } from './learners.js';
import { quadraticFeatures } from './learners.js';

/** A learner that memorises its training rows: one-hot of the training label for a row it saw, uniform otherwise. */
const memoriser: ProbabilisticLearner = {
  name: 'memoriser',
  fit(x, n, d, y, k) {
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) seen.set(Array.from(x.subarray(i * d, (i + 1) * d)).join(','), y[i]!);
    return (rows, m) => {
      const out = new Float64Array(m * k).fill(1 / k);
      for (let i = 0; i < m; i++) {
        const label = seen.get(Array.from(rows.subarray(i * d, (i + 1) * d)).join(','));
        if (label !== undefined) {
          out.fill(0, i * k, (i + 1) * k);
          out[i * k + label] = 1;
        }
      }
      return out;
    };
  },
};

describe('crossFitProbabilities', () => {
  const n = 103;
  const labels = Int32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 2 : i % 3 === 0 ? 1 : 0));
  const x = Float64Array.from({ length: n * 2 }, (_, i) => i); // distinct rows

  it('stratifies: per class and overall, fold sizes differ by at most one', () => {
    const fold = stratifiedFolds(labels, 3, 5, 1);
    const sizes = new Int32Array(5);
    for (const f of fold) sizes[f]!++;
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (let c = 0; c < 3; c++) {
      const perFold = new Int32Array(5);
      fold.forEach((f, i) => {
        if (labels[i] === c) perFold[f]!++;
      });
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
  });

  it('never predicts a row with a model that saw it', () => {
    const result = crossFitProbabilities(x, n, 2, labels, 3, { learner: memoriser, seed: 3 });
    for (const p of result.probabilities) expect(p).toBeCloseTo(1 / 3, 12);
    expect(result.folds).toBe(5);
  });

  it('is deterministic under a seed, and the seed moves the folds', () => {
    const a = crossFitProbabilities(x, n, 2, labels, 3, { seed: 4 });
    const b = crossFitProbabilities(x, n, 2, labels, 3, { seed: 4 });
    const c = crossFitProbabilities(x, n, 2, labels, 3, { seed: 5 });
    expect(Buffer.from(a.probabilities.buffer).equals(Buffer.from(b.probabilities.buffer))).toBe(true);
    expect(Array.from(a.fold)).not.toEqual(Array.from(c.fold));
  });

  it('reports progress per fold and stops when aborted', () => {
    const done: number[] = [];
    crossFitProbabilities(x, n, 2, labels, 3, { folds: 4, onFold: (d) => done.push(d) });
    expect(done).toEqual([1, 2, 3, 4]);
    const controller = new AbortController();
    controller.abort();
    expect(() => crossFitProbabilities(x, n, 2, labels, 3, { signal: controller.signal })).toThrow(/cancelled/);
  });

  it('refuses bad input before fitting', () => {
    expect(() => crossFitProbabilities(x, n, 2, labels, 3, { folds: 1 })).toThrow(GlassboxError);
    expect(() => crossFitProbabilities(x.subarray(0, 10), 5, 2, labels.subarray(0, 5), 3, { folds: 6 })).toThrow(/cannot be split into 6 folds/);
    const withNaN = Float64Array.from(x);
    withNaN[7] = Number.NaN;
    expect(() => crossFitProbabilities(withNaN, n, 2, labels, 3)).toThrow(/Feature 1 of row 3/);
  });

  it('names the classes with fewer rows than folds', () => {
    const rare = Int32Array.from({ length: n }, (_, i) => (i < 3 ? 1 : 0));
    expect(crossFitProbabilities(x, n, 2, rare, 2).sparseClasses).toEqual([1]);
  });
});

describe('quadraticFeatures', () => {
  it('lists x, then x_a·x_b for a ≤ b', () => {
    expect(Array.from(quadraticFeatures(Float64Array.from([2, 3]), 1, 2))).toEqual([2, 3, 4, 6, 9]);
  });
});
