import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { fitLogisticRegression, logisticPredict, logisticProbabilities } from './logistic-regression.js';

describe('fitLogisticRegression', () => {
  it('recovers planted multinomial coefficients (weak penalty, many rows)', () => {
    const rng = new Rng(3);
    const n = 20000;
    const d = 2;
    const k = 3;
    // class 0 is the reference; identifiable differences W_c − W_0 and b_c − b_0 are compared
    const w = [[0, 0], [1.5, -1], [-0.5, 2]];
    const b = [0, 0.5, -0.3];
    const x = new Float64Array(n * d);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) x[i * d + j] = 2 * rng.normal() + 1;
      const logits = w.map((row, c) => b[c]! + row[0]! * x[i * d]! + row[1]! * x[i * d + 1]!);
      const max = Math.max(...logits);
      const e = logits.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, v) => a + v, 0);
      let u = rng.next() * sum;
      let c = 0;
      while (c < k - 1 && u > e[c]!) u -= e[c++]!;
      y[i] = c;
    }
    const model = fitLogisticRegression(x, n, d, y, { c: 1e4 });
    expect(model.converged).toBe(true);
    for (let c = 1; c < k; c++) {
      for (let j = 0; j < d; j++) expect(model.coefficients[c * d + j]! - model.coefficients[j]!).toBeCloseTo(w[c]![j]!, 1);
      expect(model.intercepts[c]! - model.intercepts[0]!).toBeCloseTo(b[c]!, 1);
    }
  });

  it('with an uninformative (constant) feature, fits the class frequencies exactly (unpenalised intercepts)', () => {
    const y = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 2, 2, 2]);
    const x = new Float64Array(10).fill(7);
    const model = fitLogisticRegression(x, 10, 1, y, { tolerance: 1e-10 });
    const p = logisticProbabilities(model, Float64Array.of(7), 1);
    expect(p[0]).toBeCloseTo(0.5, 8);
    expect(p[1]).toBeCloseTo(0.2, 8);
    expect(p[2]).toBeCloseTo(0.3, 8);
  });

  it('balanced classes, label-independent feature → intercept difference ≈ 0', () => {
    const n = 200;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
    // labels alternate along the sequence, independent of the sign pattern of sin(i·0.37) in aggregate
    const y = Int32Array.from({ length: n }, (_, i) => i % 2);
    const model = fitLogisticRegression(x, n, 1, y);
    expect(Math.abs(model.intercepts[1]! - model.intercepts[0]!)).toBeLessThan(0.05);
  });

  it('separates a 1-D threshold symmetric around 0 with the boundary at 0', () => {
    const x = Float64Array.from({ length: 40 }, (_, i) => (i < 20 ? -1 - i * 0.1 : 1 + (i - 20) * 0.1));
    const y = Int32Array.from({ length: 40 }, (_, i) => (i < 20 ? 0 : 1));
    const model = fitLogisticRegression(x, 40, 1, y);
    expect(model.converged).toBe(true);
    expect(Array.from(logisticPredict(model, x, 40))).toEqual(Array.from(y));
    // boundary where the two class scores are equal
    const boundary = -(model.intercepts[1]! - model.intercepts[0]!) / (model.coefficients[1]! - model.coefficients[0]!);
    expect(Math.abs(boundary)).toBeLessThan(1e-6);
  });

  it("matches scikit-learn 1.9.1's StandardScaler + LogisticRegression(C=1) probabilities", () => {
    // Expected values from: make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=1e-12,
    // max_iter=10000)).fit(X, y).predict_proba(X[:3]) on exactly this X and y (scikit-learn 1.9.1, lbfgs).
    const n = 60;
    const d = 3;
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    const x = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = Math.sin(1.3 * i + 0.7 * j + 0.5) + (j === y[i] ? 0.8 : 0);
    const expected = [
      [0.581336060241289, 0.07494014145841203, 0.343723798300299],
      [0.09024030209057128, 0.8909585962337065, 0.01880110167572219],
      [0.5385596181845465, 0.06610022550491382, 0.3953401563105397],
    ];
    const model = fitLogisticRegression(x, n, d, y, { tolerance: 1e-10 });
    const p = logisticProbabilities(model, x.subarray(0, 3 * d), 3);
    for (let i = 0; i < 3; i++) for (let c = 0; c < 3; c++) expect(p[i * 3 + c]).toBeCloseTo(expected[i]![c]!, 6);
  });

  it('standardize: false equals the default on features that are already standardised, and differs on scaled ones', () => {
    const n = 50;
    const raw = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) + (i % 2) * 0.8);
    const y = Int32Array.from({ length: n }, (_, i) => i % 2);
    let mean = 0;
    for (const v of raw) mean += v / n;
    let sd = 0;
    for (const v of raw) sd += (v - mean) ** 2 / n;
    const z = raw.map((v) => (v - mean) / Math.sqrt(sd));
    const a = fitLogisticRegression(z, n, 1, y, { tolerance: 1e-10 });
    const b = fitLogisticRegression(z, n, 1, y, { tolerance: 1e-10, standardize: false });
    expect(b.coefficients[1]! - b.coefficients[0]!).toBeCloseTo(a.coefficients[1]! - a.coefficients[0]!, 6);
    const scaled = z.map((v) => v * 0.01);
    const c = fitLogisticRegression(scaled, n, 1, y, { tolerance: 1e-10, standardize: false });
    // the penalty now binds a 100× larger weight: the fitted margin on the data shrinks
    expect(Math.abs((c.coefficients[1]! - c.coefficients[0]!) * 0.01)).toBeLessThan(Math.abs(a.coefficients[1]! - a.coefficients[0]!) * 0.9);
  });

  it('is deterministic and rejects bad labels', () => {
    const x = Float64Array.from({ length: 30 }, (_, i) => Math.cos(i));
    const y = Int32Array.from({ length: 30 }, (_, i) => (Math.cos(i) > 0.2 ? 1 : 0));
    const a = fitLogisticRegression(x, 30, 1, y);
    const b = fitLogisticRegression(x, 30, 1, y);
    expect(Array.from(a.coefficients)).toEqual(Array.from(b.coefficients));
    expect(() => fitLogisticRegression(x, 30, 1, Int32Array.from({ length: 30 }, () => -1))).toThrow(/label of row 0/);
  });
});
