import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { larsPath, lassoLarsIc } from './lars.js';
import { r2FromMoments, ridgeFromMoments, weightedMoments } from './moments.js';
import { weightedR2, weightedRidge } from './ridge.js';

function data(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: n * d }, () => (rng.next() < 0.5 ? 1 : 0));
  const beta = Array.from({ length: d }, (_, j) => (j < 3 ? 2 - j : 0));
  const y = Float64Array.from({ length: n }, (_, i) => 0.5 + beta.reduce((s, b, j) => s + b * x[i * d + j]!, 0) + 0.1 * rng.normal());
  const w = Float64Array.from({ length: n }, () => rng.next());
  return { x, y, w, beta };
}

describe('weighted ridge', () => {
  it('gives the same fit and R² from one pass of moments as from the rows', () => {
    const { x, y, w } = data(400, 6, 1);
    const m = weightedMoments(x, 6, y, w);
    for (const cols of [[0, 1, 2, 3, 4, 5], [4, 1], [2]]) {
      const a = weightedRidge(x, 6, y, w, cols, 1);
      const b = ridgeFromMoments(m, cols, 1);
      cols.forEach((_, k) => expect(b.coef[k]).toBeCloseTo(a.coef[k]!, 10));
      expect(b.intercept).toBeCloseTo(a.intercept, 10);
      expect(r2FromMoments(m, cols, b)).toBeCloseTo(weightedR2(x, 6, y, w, cols, a), 10);
    }
  });

  it('recovers the coefficients of a noiseless linear model with α = 0', () => {
    const { x, w } = data(300, 4, 2);
    const y = Float64Array.from({ length: 300 }, (_, i) => 1 + 3 * x[i * 4]! - 2 * x[i * 4 + 3]!);
    const fit = ridgeFromMoments(weightedMoments(x, 4, y, w), [0, 1, 2, 3], 0);
    expect(fit.coef[0]).toBeCloseTo(3, 8);
    expect(fit.coef[3]).toBeCloseTo(-2, 8);
    expect(fit.intercept).toBeCloseTo(1, 8);
  });
});

describe('LARS', () => {
  it('enters the strongest features first; the information criterion keeps the true support', () => {
    const { x, y } = data(500, 8, 3);
    const centred = Float64Array.from(x);
    const yc = Float64Array.from(y);
    for (let j = 0; j < 8; j++) {
      let mean = 0;
      for (let i = 0; i < 500; i++) mean += x[i * 8 + j]! / 500;
      for (let i = 0; i < 500; i++) centred[i * 8 + j]! -= mean;
    }
    const ym = y.reduce((s, v) => s + v, 0) / 500;
    for (let i = 0; i < 500; i++) yc[i]! -= ym;
    expect(larsPath(centred, yc, 500, 8, { method: 'lar', maxIter: 2 }).active).toEqual([0, 1]);
    // the lasso path's shrinkage costs RSS, so BIC may keep a few extra small coefficients (as sklearn)
    const bic = lassoLarsIc(x, y, 500, 8, 'bic');
    expect(bic).toContain(0);
    expect(bic).toContain(1);
    expect(bic.length).toBeLessThanOrEqual(4);
    expect(lassoLarsIc(x, y, 500, 8, 'aic').length).toBeGreaterThanOrEqual(bic.length);
  });
});
