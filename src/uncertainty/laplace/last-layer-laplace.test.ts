import { describe, expect, it } from 'vitest';
import type { DenseHead } from '../../model/dense-head.js';
import { predictiveSummaries } from '../predictive/summaries.js';
import { fitLastLayerLaplace, laplaceSamples, logEvidenceTerm, optimalPriorPrecision } from './last-layer-laplace.js';

/** A head whose features are the input itself. */
function identityHead(weights: number[], bias: number[], d: number, activation: 'softmax' | 'sigmoid'): DenseHead {
  return {
    inputs: d,
    outputs: bias.length,
    weights: Float64Array.from(weights),
    bias: Float64Array.from(bias),
    activation,
    description: 'test head',
    featureName: 'input',
    features: (x) => Promise.resolve(x.data),
  };
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('last-layer Laplace (diagonal GGN)', () => {
  it('sums φ² p(1 − p) into the Hessian and inverts H + λ for a single sigmoid unit', async () => {
    const head = identityHead([0.5], [0.25], 1, 'sigmoid');
    const x = { data: Float32Array.from([1, 2, -1]), shape: [3, 1] };
    const fit = await fitLastLayerLaplace(head, x, { priorPrecision: 2 });
    const lam = [1, 2, -1].map((f) => sigmoid(0.5 * f + 0.25) * (1 - sigmoid(0.5 * f + 0.25)));
    const hw = lam[0]! * 1 + lam[1]! * 4 + lam[2]! * 1;
    const hb = lam[0]! + lam[1]! + lam[2]!;
    expect(fit.hessianDiagonal[0]).toBeCloseTo(hw, 6);
    expect(fit.hessianDiagonal[1]).toBeCloseTo(hb, 6);
    expect(fit.posteriorVariance[0]).toBeCloseTo(1 / (hw + 2), 6);
    expect(fit.priorPrecisionMethod).toBe('given');
  });

  it('chooses the prior precision at the maximum of the evidence', () => {
    const h = [3, 0.5, 10, 0.01];
    const norm = 1.7;
    const best = optimalPriorPrecision(h, norm);
    const at = (l: number): number => logEvidenceTerm(l, h, norm);
    expect(at(best)).toBeGreaterThan(at(best * 1.01));
    expect(at(best)).toBeGreaterThan(at(best / 1.01));
    // stationarity: ‖θ‖² = Σ h / (λ (h + λ))
    expect(h.reduce((s, v) => s + v / (best * (v + best)), 0)).toBeCloseTo(norm, 9);
  });

  it('draws logits with the posterior variance Σ φ² σ² + σ_b², and collapses to the MAP as λ grows', async () => {
    const head = identityHead([1, -1, 0.5, 2], [0, 0.3], 2, 'softmax');
    const fitX = { data: Float32Array.from([1, 0, 0, 1, 1, 1, -1, 0.5]), shape: [4, 2] };
    const fit = await fitLastLayerLaplace(head, fitX, { priorPrecision: 0.5 });
    expect(fit.hessianDiagonal).toHaveLength(6);
    const x = { data: Float32Array.from([0.7, -0.4]), shape: [1, 2] };
    const S = 20000;
    const s = await laplaceSamples(fit, head, x, { samples: S, seed: 3 });
    // softmax over 2 classes: log(p1/p0) = z1 − z0 ~ N(m1 − m0, v0 + v1)
    const v = fit.posteriorVariance;
    const varOf = (c: number): number => 0.49 * v[c]! + 0.16 * v[2 + c]! + v[4 + c]!;
    const diffs = Array.from({ length: S }, (_, t) => Math.log(s.data[2 * t + 1]! / s.data[2 * t]!));
    const m = diffs.reduce((a, b) => a + b, 0) / S;
    const variance = diffs.reduce((a, b) => a + (b - m) ** 2, 0) / (S - 1);
    const expected = varOf(0) + varOf(1);
    // the sample variance of S normals has sd ≈ σ² √(2/S)
    expect(Math.abs(variance - expected)).toBeLessThan(5 * expected * Math.sqrt(2 / S));
    expect(Math.abs(m - (0.7 * -1 + -0.4 * 2 + 0.3 - (0.7 * 1 + -0.4 * 0.5)))).toBeLessThan(5 * Math.sqrt(expected / S));
    const tight = await fitLastLayerLaplace(head, fitX, { priorPrecision: 1e12 });
    const mi = predictiveSummaries(await laplaceSamples(tight, head, x, { samples: 10, seed: 1 })).mutualInformation[0]!;
    expect(mi).toBeLessThan(1e-9);
  });

  it('is reproducible per seed', async () => {
    const head = identityHead([1, -1], [0], 2, 'sigmoid');
    const fit = await fitLastLayerLaplace(head, { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] });
    expect(fit.priorPrecisionMethod).toBe('marginal-likelihood');
    const x = { data: Float32Array.from([1, 1]), shape: [1, 2] };
    const a = await laplaceSamples(fit, head, x, { samples: 5, seed: 4 });
    const b = await laplaceSamples(fit, head, x, { samples: 5, seed: 4 });
    expect(Buffer.from(a.data.buffer)).toEqual(Buffer.from(b.data.buffer));
    expect(a.classes).toBe(2);
  });
});

describe('last-layer Laplace (KFAC GGN)', () => {
  const head = identityHead([0.5, -1, 0.2, 1, 0.3, -0.4], [0.1, 0, -0.2], 2, 'softmax');
  const rows = [1, 0.5, -0.3, 2, 0.8, -1, 0, 1.5, -1.2, 0.4];
  const fitX = { data: Float32Array.from(rows), shape: [5, 2] };

  it('gives the logit covariance (φ̃ᵀ ⊗ I)(A ⊗ G + λI)⁻¹(φ̃ ⊗ I) of a direct inversion', async () => {
    const { logitCovariance } = await import('./last-layer-laplace.js');
    const { invertDense } = await import('../../math/dense.js');
    const lambda = 0.7;
    const fit = await fitLastLayerLaplace(head, fitX, { priorPrecision: lambda, structure: 'kfac' });
    expect(fit.hessian).toBe('kfac-ggn');
    // A = Σ φ̃φ̃ᵀ, G = mean of diag(p) − ppᵀ, computed directly
    const e = 3, k = 3, P = e * k;
    const A = new Float64Array(e * e);
    const G = new Float64Array(k * k);
    for (let i = 0; i < 5; i++) {
      const f = [rows[2 * i]!, rows[2 * i + 1]!, 1];
      const z = [0, 1, 2].map((c) => head.bias[c]! + f[0]! * head.weights[c]! + f[1]! * head.weights[3 + c]!);
      const m = Math.max(...z);
      const ex = z.map((v) => Math.exp(v - m));
      const p = ex.map((v) => v / ex.reduce((a, b) => a + b, 0));
      for (let a = 0; a < e; a++) for (let b = 0; b < e; b++) A[a * e + b] = A[a * e + b]! + f[a]! * f[b]!;
      for (let c = 0; c < k; c++) for (let c2 = 0; c2 < k; c2++) G[c * k + c2] = G[c * k + c2]! + ((c === c2 ? p[c]! : 0) - p[c]! * p[c2]!) / 5;
    }
    const H = new Float64Array(P * P);
    for (let a = 0; a < e; a++) for (let b = 0; b < e; b++) for (let c = 0; c < k; c++) for (let c2 = 0; c2 < k; c2++) H[(a * k + c) * P + b * k + c2] = A[a * e + b]! * G[c * k + c2]! + (a === b && c === c2 ? lambda : 0);
    const Sigma = invertDense(H, P)!;
    const phi = [0.3, -0.7];
    const ft = [...phi, 1];
    const cov = logitCovariance(fit, phi, 2, 3);
    for (let c = 0; c < k; c++) for (let c2 = 0; c2 < k; c2++) {
      let s = 0;
      for (let a = 0; a < e; a++) for (let b = 0; b < e; b++) s += ft[a]! * Sigma[(a * k + c) * P + b * k + c2]! * ft[b]!;
      // the fitting features are float32, the direct computation float64
      expect(cov[c * k + c2]).toBeCloseTo(s, 7);
    }
  });

  it('draws logits with that covariance, and chooses λ by the evidence over the Kronecker eigenvalues', async () => {
    const { logitCovariance } = await import('./last-layer-laplace.js');
    const fit = await fitLastLayerLaplace(head, fitX, { structure: 'kfac' });
    expect(fit.priorPrecisionMethod).toBe('marginal-likelihood');
    const norm = [...head.weights, ...head.bias].reduce((a, b) => a + b * b, 0);
    expect(fit.hessianDiagonal.reduce((s, v) => s + v / (fit.priorPrecision * (v + fit.priorPrecision)), 0)).toBeCloseTo(norm, 8);
    const S = 20000;
    const phi = [0.3, -0.7];
    const s = await laplaceSamples(fit, head, { data: Float32Array.from(phi), shape: [1, 2] }, { samples: S, seed: 5 });
    const cov = logitCovariance(fit, phi, 2, 3);
    const expected = cov[4]! + cov[0]! - 2 * cov[1]!;
    const diffs = Array.from({ length: S }, (_, t) => Math.log(s.data[3 * t + 1]! / s.data[3 * t]!));
    const m = diffs.reduce((a, b) => a + b, 0) / S;
    const variance = diffs.reduce((a, b) => a + (b - m) ** 2, 0) / (S - 1);
    expect(Math.abs(variance - expected)).toBeLessThan(5 * expected * Math.sqrt(2 / S));
  });
});
