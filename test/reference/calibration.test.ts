import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrationMetrics, type CalibrationMetrics } from '../../src/uncertainty/calibration/metrics.js';
import { checkProbabilities, softmax } from '../../src/uncertainty/calibration/probabilities.js';
import { fitTemperature } from '../../src/uncertainty/calibration/temperature.js';
import { referencePath, useReference } from '../support/reference.js';

const present = useReference('calibration reference (mnist/cnn.onnx on 1500 test images)', ['calibration/mnist_test_probs.json', 'calibration/calibration.json']);

interface RefBin { lower: number; upper: number; count: number; accuracy: number | null; mean_confidence: number | null }
interface RefMetrics { accuracy: number; ece: number; mce: number; brier_multiclass: number; brier_top_label: number; nll: number; bins: RefBin[] }
interface Reference { before_scaling: RefMetrics; after_scaling_T_optimal: RefMetrics; after_scaling_T_grid: RefMetrics; temperature: { T_optimal: number; T_grid: number; nll_at_T_optimal: number } }

function expectMatches(ours: CalibrationMetrics, ref: RefMetrics): void {
  expect(ours.accuracy).toBe(ref.accuracy);
  expect(Math.abs(ours.ece - ref.ece)).toBeLessThan(1e-9);
  expect(Math.abs(ours.mce - ref.mce)).toBeLessThan(1e-9);
  expect(Math.abs(ours.brier - ref.brier_multiclass)).toBeLessThan(1e-9);
  expect(Math.abs(ours.brierTopLabel - ref.brier_top_label)).toBeLessThan(1e-9);
  expect(Math.abs(ours.nll - ref.nll)).toBeLessThan(1e-9);
  expect(ours.bins).toHaveLength(ref.bins.length);
  ours.bins.forEach((b, i) => {
    const r = ref.bins[i]!;
    // edges are numpy.linspace(0, 1, 16) bit for bit
    expect([b.lower, b.upper]).toEqual([r.lower, r.upper]);
    expect(b.count).toBe(r.count);
    if (r.accuracy === null) {
      expect([b.accuracy, b.meanConfidence]).toEqual([null, null]);
    } else {
      expect(Math.abs(b.accuracy! - r.accuracy)).toBeLessThan(1e-9);
      expect(Math.abs(b.meanConfidence! - r.mean_confidence!)).toBeLessThan(1e-9);
    }
  });
}

describe.skipIf(!present)('calibration of mnist/cnn.onnx against numpy/scipy (calibration/README)', () => {
  const probs = present ? (JSON.parse(readFileSync(referencePath('calibration/mnist_test_probs.json'), 'utf8')) as { logits: number[][]; probs: number[][]; labels: number[] }) : undefined;
  const ref = present ? (JSON.parse(readFileSync(referencePath('calibration/calibration.json'), 'utf8')) as Reference) : undefined;
  const k = 10;
  const logits = Float64Array.from(probs?.logits.flat() ?? []);
  const labels = Int32Array.from(probs?.labels ?? []);

  it('matches accuracy, ECE, MCE, Brier, NLL and every bin before scaling to 1e-9', () => {
    expectMatches(calibrationMetrics(checkProbabilities(probs!.probs.flat(), labels, k)), ref!.before_scaling);
  });

  it('computes the same probabilities from the float32 logits', () => {
    expectMatches(calibrationMetrics(checkProbabilities(softmax(logits, k), labels, k)), ref!.before_scaling);
  });

  it('fits T = 1.1039031 to 1e-6 and matches the metrics after scaling to 1e-9', () => {
    const fit = fitTemperature(logits, labels, k);
    expect(Math.abs(fit.temperature - ref!.temperature.T_optimal)).toBeLessThan(1e-6);
    expect(fit.atBound).toBe(false);
    expect(fit.stepLogT).toBeLessThan(1e-8);
    expect(Math.abs(fit.nllAfter - ref!.temperature.nll_at_T_optimal)).toBeLessThan(1e-12);
    // the reference's metrics are at its own T (scipy's bounded Brent), so compare at that T to 1e-9
    expectMatches(calibrationMetrics(checkProbabilities(softmax(logits, k, ref!.temperature.T_optimal), labels, k)), ref!.after_scaling_T_optimal);
    expectMatches(calibrationMetrics(checkProbabilities(softmax(logits, k, ref!.temperature.T_grid), labels, k)), ref!.after_scaling_T_grid);
    // and ours at our T agree with them to the precision T itself is known to (1e-6)
    const ours = calibrationMetrics(checkProbabilities(softmax(logits, k, fit.temperature), labels, k));
    expect(Math.abs(ours.ece - ref!.after_scaling_T_optimal.ece)).toBeLessThan(1e-6);
    expect(Math.abs(ours.nll - ref!.after_scaling_T_optimal.nll)).toBeLessThan(1e-12);
  });
});
