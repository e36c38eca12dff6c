import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { calibratedSample } from '../../../test/support/calibrated-sample.js';
import { applyCalibrator, fitCalibrator } from './calibrator.js';
import { calibratorFromJson, calibratorToJson } from './calibrator-json.js';
import { applyIsotonic, fitIsotonic } from './isotonic.js';
import { fitPlatt } from './platt.js';
import { softmax } from './probabilities.js';
import { recalibrate } from './recalibrate.js';
import { fitTemperature, temperatureObjective } from './temperature.js';
import { fitVectorScaling } from './vector-scaling.js';
import { calibrationSplit } from './split.js';

describe('temperature scaling', () => {
  it('leaves already-calibrated logits alone: T ≈ 1', () => {
    const s = calibratedSample(20000, 5, 11);
    const fit = fitTemperature(s.logits, s.labels, 5);
    // the MLE of log T has standard error ≈ 1/sqrt(n·I) ≈ 0.01 here; 0.05 is five of them
    expect(Math.abs(Math.log(fit.temperature))).toBeLessThan(0.05);
  });

  it('undoes logits made over-confident by a factor 2: T ≈ 2', () => {
    const s = calibratedSample(20000, 5, 12);
    const fit = fitTemperature(s.logits.map((z) => 2 * z), s.labels, 5);
    expect(Math.abs(Math.log(fit.temperature / 2))).toBeLessThan(0.05);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
  });

  it('stops at a stationary point of the NLL in log T, to 1e-8', () => {
    const s = calibratedSample(3000, 4, 13);
    const fit = fitTemperature(s.logits, s.labels, 4);
    const u = Math.log(fit.temperature);
    expect(Math.abs(temperatureObjective(s.logits, s.labels, 4, u).gradient)).toBeLessThan(1e-10);
    expect(fit.stepLogT).toBeLessThan(1e-8);
    for (const du of [-1e-3, 1e-3]) expect(temperatureObjective(s.logits, s.labels, 4, u + du).nll).toBeGreaterThan(fit.nllAfter);
  });

  it('gives the same temperature from log-probabilities as from logits (softmax ignores a per-row shift)', () => {
    const s = calibratedSample(1000, 3, 14);
    const fromLogits = fitTemperature(s.logits, s.labels, 3).temperature;
    const fromLogProbs = fitTemperature(s.probabilities.map(Math.log), s.labels, 3).temperature;
    expect(fromLogProbs).toBeCloseTo(fromLogits, 9);
  });

  it('says when the optimum lies beyond the bound (a separable sample wants T → 0)', () => {
    const logits = Float64Array.from([2, 0, 0, 2]);
    const fit = fitTemperature(logits, Int32Array.from([0, 1]), 2);
    expect(fit.atBound).toBe(true);
    expect(fit.temperature).toBe(0.01);
    expect(() => fitCalibrator('temperature', { values: logits, k: 2, space: 'logits' }, Int32Array.from([0, 1]))).toThrow(/bound/);
  });
});

describe('vector scaling', () => {
  it('recovers per-class scales and offsets (up to the common shift softmax ignores)', () => {
    const k = 3;
    const w = [0.5, 1.5, 1];
    const b = [0.3, -0.2, 0];
    const base = calibratedSample(20000, k, 21);
    // the labels are calibrated for softmax(w ⊙ z + b), so fitting on z must find w and b
    const rng = new Rng(22);
    const z = base.logits;
    const p = softmax(z.map((v, j) => w[j % k]! * v + b[j % k]!), k);
    const labels = Int32Array.from({ length: 20000 }, (_, i) => {
      let u = rng.next();
      for (let c = 0; c < k - 1; c++) if ((u -= p[i * k + c]!) < 0) return c;
      return k - 1;
    });
    const fit = fitVectorScaling(z, labels, k);
    fit.weights.forEach((x, c) => expect(Math.abs(x - w[c]!)).toBeLessThan(0.06));
    const shift = fit.biases[2]! - b[2]!;
    fit.biases.forEach((x, c) => expect(Math.abs(x - shift - b[c]!)).toBeLessThan(0.06));
    expect(fit.nllAfter).toBeLessThanOrEqual(fitTemperature(z, labels, k).nllAfter + 1e-12);
  });
});

describe('Platt scaling and isotonic regression (binary)', () => {
  it('Platt recovers the slope and intercept of logistic data', () => {
    const rng = new Rng(31);
    const n = 40000;
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const y = Uint8Array.from(x, (v) => (rng.next() < 1 / (1 + Math.exp(-(2 * v + 0.5))) ? 1 : 0));
    const fit = fitPlatt(x, y);
    // standard errors ≈ 0.02 at this n
    expect(Math.abs(fit.slope - 2)).toBeLessThan(0.1);
    expect(Math.abs(fit.intercept - 0.5)).toBeLessThan(0.08);
  });

  it('isotonic regression is monotone, pools violators into their mean and clips outside the data', () => {
    const scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const labels = [0, 1, 0, 0, 1, 1];
    const fit = fitIsotonic(scores, labels);
    const at = applyIsotonic(scores, fit);
    // 0.2..0.4 hold 1, 0, 0 → pooled to 1/3
    expect(Array.from(at)).toEqual([0, 1 / 3, 1 / 3, 1 / 3, 1, 1]);
    const rng = new Rng(32);
    const many = Float64Array.from({ length: 2000 }, () => rng.next());
    const fitted = fitIsotonic(many, Uint8Array.from(many, (s) => (rng.next() < s ? 1 : 0)));
    const grid = applyIsotonic(Float64Array.from({ length: 101 }, (_, i) => i / 100 - 0.005), fitted);
    for (let i = 1; i < grid.length; i++) expect(grid[i]!).toBeGreaterThanOrEqual(grid[i - 1]!);
    expect(applyIsotonic([-5, 5], fit)).toEqual(Float64Array.from([0, 1]));
    // PAV minimises squared error over monotone maps: no worse than the identity, itself monotone
    const outcomes = Uint8Array.from(many, (m) => (new Rng(Math.floor(m * 1e9)).next() < m ? 1 : 0));
    const iso = fitIsotonic(many, outcomes);
    const sse = (f: ArrayLike<number>): number => Array.from(many, (_, i) => (f[i]! - outcomes[i]!) ** 2).reduce((a, b) => a + b, 0);
    expect(sse(applyIsotonic(many, iso))).toBeLessThanOrEqual(sse(many));
  });
});

describe('calibrators', () => {
  const s = calibratedSample(2000, 2, 41);
  const overconfident = { values: s.logits.map((z) => 3 * z), k: 2, space: 'logits' as const };

  it('round-trip through JSON to the same bytes and the same outputs', () => {
    for (const kind of ['temperature', 'vector', 'platt', 'isotonic'] as const) {
      const c = fitCalibrator(kind, overconfident, s.labels, { classNames: ['no', 'yes'], source: 'test' });
      const text = calibratorToJson(c);
      const back = calibratorFromJson(text, 'c.json');
      expect(calibratorToJson(back)).toBe(text);
      expect(applyCalibrator(back, overconfident)).toEqual(applyCalibrator(c, overconfident));
      expect(c.fittedOn.nllAfter).toBeLessThan(c.fittedOn.nllBefore);
    }
  });

  it('refuses malformed files and a vector calibrator applied to the other score space', () => {
    expect(() => calibratorFromJson('{', 'c.json')).toThrow(/c\.json: not JSON/);
    expect(() => calibratorFromJson(JSON.stringify({ format: 'glassbox-calibrator', version: 1, kind: 'temperature', temperature: -1, fittedOn: {} }), 'c.json')).toThrow(/c\.json: not a glassbox calibrator/);
    const v = fitCalibrator('vector', overconfident, s.labels);
    expect(() => applyCalibrator(v, { values: softmax(overconfident.values, 2), k: 2, space: 'probabilities' })).toThrow(/fitted on logits/);
    expect(() => fitCalibrator('platt', { values: new Float64Array(9), k: 3, space: 'logits' }, Int32Array.from([0, 1, 2]))).toThrow(/binary/);
  });

  it('fits on a calibration split and lowers NLL and ECE on held-out rows', () => {
    const r = recalibrate('temperature', overconfident, s.labels, { seed: 3, iterations: 100 });
    expect(r.split.calibrationRows + r.split.evaluationRows).toBe(2000);
    expect(r.after.nll).toBeLessThan(r.before.nll);
    expect(r.after.ece).toBeLessThan(r.before.ece);
    expect(r.calibrator.kind === 'temperature' && Math.abs(Math.log(r.calibrator.temperature / 3))).toBeLessThan(0.15);
  });

  it('splits rows deterministically, disjointly and stratified by label', () => {
    const labels = Int32Array.from({ length: 101 }, (_, i) => (i < 30 ? 1 : 0));
    const a = calibrationSplit(101, { seed: 5, labels });
    expect(calibrationSplit(101, { seed: 5, labels })).toEqual(a);
    expect(new Set([...a.calibration, ...a.evaluation]).size).toBe(101);
    expect(Array.from(a.calibration).filter((i) => labels[i] === 1)).toHaveLength(15);
  });
});
