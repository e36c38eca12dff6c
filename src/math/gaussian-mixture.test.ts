import { describe, expect, it } from 'vitest';
import { plantedMixture as planted } from '../../test/support/planted-mixture.js';
import { fitGaussianMixture, mixturePredict, mixtureLogLikelihood, sampleMixtureComponent, selectGaussianMixture, mixtureParameterCount } from './gaussian-mixture.js';


const MEANS = [[0, 0, 0], [6, 0, 1], [0, 7, -2]];
const FACTORS = [
  [[1, 0, 0], [0.5, 0.8, 0], [0, 0.3, 0.6]],
  [[0.7, 0, 0], [0, 1.2, 0], [0.4, 0, 0.5]],
  [[1.1, 0, 0], [-0.6, 0.6, 0], [0, 0, 1]],
];

describe('Gaussian mixture (EM, k-means++, BIC)', () => {
  const { x, labels } = planted(1, [400, 250, 350], MEANS, FACTORS);
  const n = labels.length;

  it('recovers a planted 3-component full-covariance mixture: weights, means, covariances and memberships', () => {
    const gm = fitGaussianMixture(x, n, 3, { components: 3, seed: 0 });
    expect(gm.converged).toBe(true);
    // match components to planted ones by nearest mean
    for (let c = 0; c < 3; c++) {
      let best = 0;
      let bestDist = Infinity;
      for (let k = 0; k < 3; k++) {
        const dist = MEANS[c]!.reduce((s, m, j) => s + (m - gm.means[k * 3 + j]!) ** 2, 0);
        if (dist < bestDist) [best, bestDist] = [k, dist];
      }
      // mean error ~ σ/√n: well under 0.25
      expect(Math.sqrt(bestDist)).toBeLessThan(0.25);
      expect(gm.weights[best]).toBeCloseTo([0.4, 0.25, 0.35][c]!, 1);
      const L = FACTORS[c]!;
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          let sigma = 0;
          for (let t = 0; t < 3; t++) sigma += L[a]![t]! * L[b]![t]!;
          expect(Math.abs(gm.covariances[best * 9 + a * 3 + b]! - sigma)).toBeLessThan(0.2);
        }
      }
    }
    // the clusters are separated by > 5σ: hard assignments agree with the planted labels up to renaming
    const predicted = mixturePredict(gm, x, n);
    const agree = new Map<string, number>();
    for (let i = 0; i < n; i++) agree.set(`${labels[i]}-${predicted[i]}`, (agree.get(`${labels[i]}-${predicted[i]}`) ?? 0) + 1);
    const top = [...agree.values()].sort((a, b) => b - a).slice(0, 3).reduce((a, b) => a + b, 0);
    expect(top / n).toBeGreaterThan(0.99);
  });

  it('BIC picks the planted number of components (3 of 1…6), full and diagonal', () => {
    // diagonal covariances model the planted mixture only when its components are axis-aligned
    const axisAligned = planted(3, [400, 250, 350], MEANS, FACTORS.map((f) => f.map((row, a) => row.map((v, b) => (a === b ? v : 0)))));
    for (const [covariance, points] of [['full', x], ['diag', axisAligned.x]] as const) {
      const sel = selectGaussianMixture(points, n, 3, { minComponents: 1, maxComponents: 6, seed: 0, covariance });
      expect(sel.best.components).toBe(3);
      expect(sel.candidates.map((c) => c.components)).toEqual([1, 2, 3, 4, 5, 6]);
      const bic3 = sel.candidates[2]!.bic;
      for (const c of sel.candidates) expect(c.bic).toBeGreaterThanOrEqual(bic3);
    }
    // a single Gaussian stays one component
    const single = planted(2, [500], [MEANS[0]!], [FACTORS[0]!]);
    expect(selectGaussianMixture(single.x, 500, 3, { maxComponents: 4, seed: 0 }).best.components).toBe(1);
  });

  it('one component is the closed-form maximum-likelihood Gaussian, and BIC counts its parameters', () => {
    const gm = fitGaussianMixture(x, n, 3, { components: 1, seed: 0, regularization: 0 });
    const mean = [0, 0, 0].map((_, j) => { let s = 0; for (let i = 0; i < n; i++) s += x[i * 3 + j]!; return s / n; });
    for (let j = 0; j < 3; j++) expect(gm.means[j]).toBeCloseTo(mean[j]!, 10);
    const cov = new Float64Array(9);
    for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) cov[a * 3 + b]! += ((x[i * 3 + a]! - mean[a]!) * (x[i * 3 + b]! - mean[b]!)) / n;
    for (let k = 0; k < 9; k++) expect(gm.covariances[k]).toBeCloseTo(cov[k]!, 8);
    // log L of the ML Gaussian = −n/2 (d log 2π + log|Σ| + d)
    const det = cov[0]! * (cov[4]! * cov[8]! - cov[5]! * cov[7]!) - cov[1]! * (cov[3]! * cov[8]! - cov[5]! * cov[6]!) + cov[2]! * (cov[3]! * cov[7]! - cov[4]! * cov[6]!);
    expect(gm.logLikelihood).toBeCloseTo((-n / 2) * (3 * Math.log(2 * Math.PI) + Math.log(det) + 3), 6);
    expect(mixtureLogLikelihood(gm, x, n)).toBeCloseTo(gm.logLikelihood, 8);
    expect(gm.parameters).toBe(3 + 6);
    expect(gm.bic).toBeCloseTo(-2 * gm.logLikelihood + 9 * Math.log(n), 8);
    expect(mixtureParameterCount(4, 3, 'diag')).toBe(12 + 12 + 3);
  });

  it('is deterministic under its seed, and samples a component with its mean and covariance', () => {
    const a = fitGaussianMixture(x, n, 3, { components: 4, seed: 7 });
    const b = fitGaussianMixture(x, n, 3, { components: 4, seed: 7 });
    expect(Buffer.from(a.means.buffer)).toEqual(Buffer.from(b.means.buffer));
    expect(Buffer.from(a.covariances.buffer)).toEqual(Buffer.from(b.covariances.buffer));
    const gm = fitGaussianMixture(x, n, 3, { components: 3, seed: 0 });
    const m = 20_000;
    const s = sampleMixtureComponent(gm, 1, m, 3);
    expect(sampleMixtureComponent(gm, 1, 5, 3)).toEqual(s.subarray(0, 15));
    for (let j = 0; j < 3; j++) {
      let mean = 0;
      for (let i = 0; i < m; i++) mean += s[i * 3 + j]! / m;
      const sd = Math.sqrt(gm.covariances[9 + j * 4]!);
      // 5 standard errors of the sample mean
      expect(Math.abs(mean - gm.means[3 + j]!)).toBeLessThan((5 * sd) / Math.sqrt(m));
    }
  });

  it('refuses bad input with a specific error', () => {
    expect(() => fitGaussianMixture(x, n, 4, { components: 2 })).toThrow(/not n = 1000 points × d = 4/);
    expect(() => fitGaussianMixture(x.subarray(0, 6), 2, 3, { components: 3 })).toThrow(/3 components for 2 points/);
    const bad = Float64Array.from(x);
    bad[3 * 5 + 1] = Number.NaN;
    expect(() => fitGaussianMixture(bad, n, 3, { components: 2 })).toThrow(/point 5 has a non-finite value/);
    expect(() => selectGaussianMixture(x, n, 3, { minComponents: 3, maxComponents: 2 })).toThrow(/range 3…2 is empty/);
  });
});
