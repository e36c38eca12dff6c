import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import type { LearnerFeature } from './binning.js';
import { crossFittedGam } from './cross-fitted.js';
import { gamScores } from './gam/predict-gam.js';

describe('crossFittedGam', () => {
  const rng = new Rng(2);
  const n = 1500;
  const data = new Float64Array(n * 2);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    data[i * 2] = Math.round(rng.normal() * 100) / 100;
    data[i * 2 + 1] = rng.int(4);
    y[i] = rng.next() < 1 / (1 + Math.exp(-2 * data[i * 2]!)) ? 1 : 0;
  }
  // a duplicated row keeps its twin's fold
  data.set([data[0]!, data[1]!], 2 * (n - 1));
  const features: LearnerFeature[] = [{ name: 'x', type: 'numeric' }, { name: 'g', type: 'categorical', categories: ['a', 'b', 'c', 'd'] }];
  const model = crossFittedGam({ data, nRows: n, nFeatures: 2 }, y, features, 'binary', { folds: 4, seed: 1, gam: { outerBags: 1, interactions: 0 } });

  it('predicts every training row with the GAM of its own fold, which never saw it', async () => {
    const probs = await model.predict({ data: Float32Array.from(data), shape: [n, 2] });
    const counts = new Int32Array(4);
    for (let i = 0; i < n; i++) counts[model.fold[i]!]!++;
    expect(Math.min(...counts)).toBeGreaterThan(n / 4 - 100);
    for (let i = 0; i < n; i++) {
      const s = gamScores(model.gams[model.fold[i]!]!, { data: data.slice(i * 2, i * 2 + 2), nRows: 1, nFeatures: 2 })[0]!;
      expect(probs[i * 2 + 1], `row ${i} fold ${model.fold[i]}`).toBeCloseTo(1 / (1 + Math.exp(-s)), 6);
    }
    expect(model.fold[n - 1]).toBe(model.fold[0]);
  });

  it('each fold model is fitted on the other folds only (row counts)', () => {
    model.gams.forEach((gam, k) => {
      const main = gam.terms.find((t) => t.kind === 'main')!;
      const trained = main.kind === 'main' ? main.counts.reduce((a, b) => a + b, 0) : 0;
      expect(trained).toBe(n - Array.from(model.fold).filter((f) => f === k).length);
    });
  });
});
