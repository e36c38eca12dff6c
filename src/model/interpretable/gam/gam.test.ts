import { describe, expect, it } from 'vitest';
import type { RawMatrix } from '../../../encode/encoder.js';
import { rocAuc } from '../../../math/metrics/roc-auc.js';
import { Rng } from '../../../rng.js';
import { binOf, type LearnerFeature } from '../binning.js';
import { fitGam } from './fit-gam.js';
import { gamFromJson, gamToJson } from './gam-json.js';
import { gamModel } from './gam-model.js';
import { gamScores } from './predict-gam.js';
import type { MainTerm } from './types.js';

const numeric = (name: string): LearnerFeature => ({ name, type: 'numeric' });

/** n rows of uniform features on the given ranges, labels drawn from σ(logit(x)). */
function simulate(n: number, ranges: readonly [number, number][], logit: (x: Float64Array) => number, seed: number): { raw: RawMatrix; y: Uint8Array; truth: Float64Array } {
  const rng = new Rng(seed);
  const F = ranges.length;
  const data = new Float64Array(n * F);
  const y = new Uint8Array(n);
  const truth = new Float64Array(n);
  const x = new Float64Array(F);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < F; j++) {
      const [lo, hi] = ranges[j]!;
      x[j] = lo + (hi - lo) * rng.next();
      data[i * F + j] = x[j]!;
    }
    truth[i] = logit(x);
    y[i] = rng.next() < 1 / (1 + Math.exp(-truth[i]!)) ? 1 : 0;
  }
  return { raw: { data, nRows: n, nFeatures: F }, y, truth };
}

/** A main term's shape at x, and the true function centred the same way (mean 0 over the data). */
function shapeError(term: MainTerm, raw: RawMatrix, f: (v: number) => number): { rmse: number; corr: number } {
  const n = raw.nRows;
  const est = new Float64Array(n);
  const tru = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = raw.data[i * raw.nFeatures + term.feature]!;
    est[i] = term.scores[binOf(term.binning, v)]!;
    tru[i] = f(v);
  }
  const mean = tru.reduce((s, v) => s + v, 0) / n;
  let se = 0;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const t = tru[i]! - mean;
    se += (est[i]! - t) ** 2;
    sxy += est[i]! * t;
    sxx += est[i]! ** 2;
    syy += t * t;
  }
  return { rmse: Math.sqrt(se / n), corr: sxy / Math.sqrt(sxx * syy) };
}

describe('EBM-style GAM', () => {
  const additive = (x: Float64Array): number => Math.sin(x[0]!) + x[1]! ** 2 - Math.abs(x[2]!) - 0.3;
  const sim = simulate(12000, [[-3, 3], [-1.5, 1.5], [-2, 2], [-1, 1]], additive, 1);
  const gam = fitGam(sim.raw, sim.y, ['x1', 'x2', 'x3', 'noise'].map(numeric), 'binary', { outerBags: 3, interactions: 0, seed: 3 });

  it('recovers additive shape functions sin(x1), x2², −|x3| and a flat noise feature', () => {
    const mains = gam.terms as MainTerm[];
    const fns = [Math.sin, (v: number) => v * v, (v: number) => -Math.abs(v)];
    fns.forEach((f, j) => {
      const { rmse, corr } = shapeError(mains[j]!, sim.raw, f);
      expect(corr, `feature ${j}`).toBeGreaterThan(0.97);
      expect(rmse, `feature ${j}`).toBeLessThan(0.15);
    });
    // the noise feature's shape stays small next to the real ones
    expect(mains[3]!.importance).toBeLessThan(0.25 * Math.min(...mains.slice(0, 3).map((t) => t.importance)));
  });

  it('ranks like the true logit (AUC within 0.01 of the Bayes scores on fresh rows)', () => {
    const fresh = simulate(6000, [[-3, 3], [-1.5, 1.5], [-2, 2], [-1, 1]], additive, 2);
    const auc = rocAuc(Int32Array.from(fresh.y), gamScores(gam, fresh.raw));
    expect(auc).toBeGreaterThan(rocAuc(Int32Array.from(fresh.y), fresh.truth) - 0.01);
  });

  it('finds a planted pairwise interaction with FAST and gains from it', () => {
    const logit = (x: Float64Array): number => 2.5 * Math.sign(x[1]!) * Math.sign(x[3]!) + 0.5 * x[0]!;
    const ranges: [number, number][] = [[-1, 1], [-1, 1], [-1, 1], [-1, 1], [-1, 1]];
    const data = simulate(6000, ranges, logit, 5);
    const names = ['a', 'b', 'c', 'd', 'e'].map(numeric);
    const withPair = fitGam(data.raw, data.y, names, 'binary', { outerBags: 2, interactions: 1, seed: 1 });
    const pair = withPair.terms.find((t) => t.kind === 'pair');
    expect(pair?.kind === 'pair' ? pair.features : undefined).toEqual([1, 3]);
    const additiveOnly = fitGam(data.raw, data.y, names, 'binary', { outerBags: 2, interactions: 0, seed: 1 });
    const fresh = simulate(4000, ranges, logit, 6);
    expect(rocAuc(Int32Array.from(fresh.y), gamScores(withPair, fresh.raw))).toBeGreaterThan(rocAuc(Int32Array.from(fresh.y), gamScores(additiveOnly, fresh.raw)) + 0.1);
  });

  it('learns categories as their own bins and missing values in bin 0', () => {
    const rng = new Rng(4);
    const n = 4000;
    const effects = [-1.5, 0, 1.5];
    const data = new Float64Array(n * 2);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = rng.int(3);
      const missing = rng.next() < 0.1;
      data[i * 2] = c;
      data[i * 2 + 1] = missing ? Number.NaN : rng.next();
      y[i] = rng.next() < 1 / (1 + Math.exp(-(effects[c]! + (missing ? 2 : 0)))) ? 1 : 0;
    }
    const fitted = fitGam({ data, nRows: n, nFeatures: 2 }, y, [{ name: 'colour', type: 'categorical', categories: ['red', 'green', 'blue'] }, numeric('v')], 'binary', { outerBags: 2, interactions: 0 });
    const [colour, v] = fitted.terms as MainTerm[];
    expect(colour!.scores[3]! - colour!.scores[1]!).toBeGreaterThan(2.2);
    expect(colour!.scores[3]! - colour!.scores[1]!).toBeLessThan(3.8);
    expect(v!.scores[0]! - v!.scores[1]!).toBeGreaterThan(1.2);
  });

  it('is a Model whose probabilities are σ(score), and survives a JSON round trip', async () => {
    const model = gamModel(gam, ['no', 'yes']);
    const rows = { data: Float32Array.from(sim.raw.data.subarray(0, 40)), shape: [10, 4] };
    const probs = await model.predict(rows);
    const scores = gamScores(gam, { data: Float64Array.from(rows.data), nRows: 10, nFeatures: 4 });
    for (let i = 0; i < 10; i++) {
      expect(probs[i * 2 + 1]).toBeCloseTo(1 / (1 + Math.exp(-scores[i]!)), 6);
      expect(probs[i * 2]! + probs[i * 2 + 1]!).toBeCloseTo(1, 6);
    }
    const json = JSON.parse(JSON.stringify(gamToJson(gam, ['no', 'yes'])));
    const back = gamFromJson(json);
    expect(back.classes).toEqual(['no', 'yes']);
    expect(Array.from(gamScores(back.gam, sim.raw))).toEqual(Array.from(gamScores(gam, sim.raw)));
    expect(model.inputColumns?.map((c) => c.name)).toEqual(['x1', 'x2', 'x3', 'noise']);
  });

  it('is deterministic under its seed', () => {
    const small = simulate(1500, [[-3, 3], [-1.5, 1.5]], (x) => Math.sin(x[0]!) + x[1]!, 9);
    const fit = (seed: number): string => JSON.stringify(gamToJson(fitGam(small.raw, small.y, [numeric('a'), numeric('b')], 'binary', { outerBags: 2, seed }), ['0', '1']));
    expect(fit(7)).toBe(fit(7));
    expect(fit(7)).not.toBe(fit(8));
  });

  it('fits regression targets by squared error', () => {
    const rng = new Rng(11);
    const n = 3000;
    const data = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      data[i] = -2 + 4 * rng.next();
      y[i] = data[i]! ** 2 + 0.1 * rng.normal();
    }
    const fitted = fitGam({ data, nRows: n, nFeatures: 1 }, y, [numeric('x')], 'regression', { outerBags: 2 });
    const pred = gamScores(fitted, { data: Float64Array.of(-1.5, 0, 1.5), nRows: 3, nFeatures: 1 });
    expect(pred[0]).toBeCloseTo(2.25, 0);
    expect(pred[1]).toBeCloseTo(0, 0);
    expect(pred[2]).toBeCloseTo(2.25, 0);
  });

  it('refuses labels that are not 0/1 and a single class, naming the row', () => {
    const raw = { data: Float64Array.of(1, 2, 3), nRows: 3, nFeatures: 1 };
    expect(() => fitGam(raw, [0, 2, 1], [numeric('x')], 'binary')).toThrow(/row 1/);
    expect(() => fitGam(raw, [1, 1, 1], [numeric('x')], 'binary')).toThrow(/both classes/);
  });
});

describe('GAM on small data with unique values (every bin holds one row)', () => {
  it('learns main effects: values seen only in validation or at prediction take their interval’s score', () => {
    // 400 rows of continuous features: with up to 1,024 bins each value has its own bin, so validation rows'
    // bins are empty in training; an additive model must still separate the two classes
    const { raw, y } = simulate(400, [[-3, 3], [-3, 3]], (x) => 4 * x[0]! + 4 * x[1]!, 3);
    const gam = fitGam(raw, y, [numeric('a'), numeric('b')], 'binary', { interactions: 0 });
    const test = simulate(400, [[-3, 3], [-3, 3]], (x) => 4 * x[0]! + 4 * x[1]!, 4);
    const scores = gamScores(gam, test.raw);
    expect(rocAuc(Int32Array.from(test.truth, (t) => (t > 0 ? 1 : 0)), scores)).toBeGreaterThan(0.97);
  });
});
