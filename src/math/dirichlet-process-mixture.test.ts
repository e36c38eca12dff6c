import { describe, expect, it } from 'vitest';
import { dirichletProcessPredict, expectedLogStickWeights, fitDirichletProcessMixture } from './dirichlet-process-mixture.js';
import { digamma, logGamma } from './stats/special.js';
import { isotropic, plantedMixture } from '../../test/support/planted-mixture.js';

const EULER_GAMMA = 0.5772156649015329;

/** Points from planted Gaussians: component c has mean means[c] and covariance scale²·I. */
function planted(seed: number, sizes: number[], means: number[][], scale: number): { x: Float64Array; labels: Int32Array } {
  return plantedMixture(seed, sizes, means, means.map((m) => isotropic(m.length, scale)));
}

describe('digamma', () => {
  it('matches closed forms: ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(n) = H(n−1) − γ, the recurrence and the derivative of ln Γ', () => {
    expect(digamma(1)).toBeCloseTo(-EULER_GAMMA, 12);
    expect(digamma(0.5)).toBeCloseTo(-EULER_GAMMA - 2 * Math.log(2), 12);
    let harmonic = 0;
    for (let n = 1; n <= 30; n++) {
      expect(digamma(n)).toBeCloseTo(harmonic - EULER_GAMMA, 12);
      harmonic += 1 / n;
    }
    for (const x of [0.013, 0.3, 1.7, 4.2, 9.9, 123.4]) {
      expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 11);
      const h = 1e-4 * x;
      expect(digamma(x)).toBeCloseTo((logGamma(x + h) - logGamma(x - h)) / (2 * h), 6);
    }
    expect(digamma(0)).toBeNaN();
  });
});

describe('Dirichlet-process mixture (truncated variational inference)', () => {
  it('E[log π] of one stick is ψ(a) − ψ(a + b), the Beta mean of log v (numerical quadrature)', () => {
    const [a, b] = [3.5, 2.25];
    const logB = logGamma(a) + logGamma(b) - logGamma(a + b);
    let integral = 0;
    const m = 200_000;
    for (let i = 0; i < m; i++) {
      const v = (i + 0.5) / m;
      integral += Math.log(v) * Math.exp((a - 1) * Math.log(v) + (b - 1) * Math.log1p(-v) - logB) / m;
    }
    const e = expectedLogStickWeights(Float64Array.from([a, b, 2, 5]), 2);
    expect(e[0]).toBeCloseTo(integral, 6);
    // the second weight is (1 − v₁)·v₂: E[log(1 − v₁)] = ψ(b) − ψ(a + b) plus E[log v₂]
    expect(e[1]).toBeCloseTo(digamma(b) - digamma(a + b) + digamma(2) - digamma(7), 12);
  });

  it('with one component it is the conjugate Normal-Wishart posterior', () => {
    const { x } = planted(3, [60], [[1, -2]], 0.7);
    const n = 60;
    const model = fitDirichletProcessMixture(x, n, 2, { truncation: 1, regularization: 0 });
    const mean = [0, 0];
    for (let i = 0; i < n; i++) for (let j = 0; j < 2; j++) mean[j]! += x[i * 2 + j]! / n;
    // S: biased scatter / n; W₀⁻¹: the unbiased data covariance; m₀ = x̄, so the shrinkage term vanishes
    const scatter = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) scatter[a * 2 + b]! += (x[i * 2 + a]! - mean[a]!) * (x[i * 2 + b]! - mean[b]!);
    expect(model.meanPrecision[0]).toBeCloseTo(1 + n, 9);
    expect(model.degreesOfFreedom[0]).toBeCloseTo(2 + n, 9);
    expect(model.means[0]).toBeCloseTo(mean[0]!, 12);
    expect(model.means[1]).toBeCloseTo(mean[1]!, 12);
    for (let e = 0; e < 4; e++) expect(model.scaleInverses[e]).toBeCloseTo(scatter[e]! / (n - 1) + scatter[e]!, 8);
    expect(model.sticks[0]).toBeCloseTo(1 + n, 9);
    expect(model.sticks[1]).toBeCloseTo(1, 12); // α = 1/T = 1, nothing after the only stick
    expect(model.mixture.weights[0]).toBe(1);
  });

  it('finds the planted number of clusters among 10 truncated components, with a non-decreasing lower bound', () => {
    const means = [[0, 0], [8, 0], [0, 8]];
    const { x, labels } = planted(5, [150, 100, 50], means, 1);
    const n = labels.length;
    const model = fitDirichletProcessMixture(x, n, 2, { truncation: 10, seed: 2 });
    expect(model.converged).toBe(true);
    for (let i = 1; i < model.lowerBounds.length; i++) expect(model.lowerBounds[i]!).toBeGreaterThanOrEqual(model.lowerBounds[i - 1]! - 1e-9 * Math.abs(model.lowerBounds[i - 1]!));
    const used = [...model.mixture.weights.keys()].filter((k) => model.mixture.weights[k]! > 0.02);
    expect(used).toHaveLength(3);
    // each planted cluster maps to one used component, whose mean is near the planted mean and whose weight is near its share
    const assignment = dirichletProcessPredict(model, x, n);
    for (let c = 0; c < 3; c++) {
      const counts = new Map<number, number>();
      labels.forEach((l, i) => l === c && counts.set(assignment[i]!, (counts.get(assignment[i]!) ?? 0) + 1));
      const [k, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
      expect(count / [150, 100, 50][c]!).toBeGreaterThan(0.97);
      expect(Math.hypot(model.means[k * 2]! - means[c]![0]!, model.means[k * 2 + 1]! - means[c]![1]!)).toBeLessThan(0.4);
      expect(model.mixture.weights[k]).toBeCloseTo([0.5, 1 / 3, 1 / 6][c]!, 1);
    }
    // same seed, same fit
    expect(fitDirichletProcessMixture(x, n, 2, { truncation: 10, seed: 2 }).means).toEqual(model.means);
  });

  it('refuses bad input', () => {
    expect(() => fitDirichletProcessMixture(new Float64Array(5), 3, 2)).toThrow(/5 values is not n = 3 points × d = 2/);
    expect(() => fitDirichletProcessMixture(Float64Array.from([0, Number.NaN]), 1, 2)).toThrow(/point 0 has a non-finite value/);
    expect(() => fitDirichletProcessMixture(new Float64Array(4), 2, 2, { truncation: 0 })).toThrow(/truncation must be an integer ≥ 1/);
  });
});
