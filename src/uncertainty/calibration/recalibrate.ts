import { takeMatrixRows } from './take-rows.js';
import { applyCalibrator, fitCalibrator, type Calibrator, type CalibratorKind, type ModelScores } from './calibrator.js';
import { calibrationReport, type CalibrationReport } from './report.js';
import type { CalibrationOptions } from './metrics.js';
import type { MetricIntervalOptions } from './metric-intervals.js';
import { checkProbabilities, softmax } from './probabilities.js';
import { calibrationSplit, type CalibrationSplit } from './split.js';

/** A calibrator fitted on one part of the rows and judged on the other. */
export interface Recalibration {
  readonly calibrator: Calibrator;
  readonly split: { readonly calibrationRows: number; readonly evaluationRows: number; readonly fraction: number; readonly seed: number; readonly stratified: true };
  /** Metrics on the held-out rows before and after applying the calibrator. */
  readonly before: CalibrationReport;
  readonly after: CalibrationReport;
}

/**
 * Fits a calibrator on a seeded, label-stratified calibration split of the rows and evaluates it on the
 * held-out rows, before and after (Guo et al. 2017's protocol: the calibration set is never the test set).
 */
export function recalibrate(kind: CalibratorKind, scores: ModelScores, labels: Int32Array, options: CalibrationOptions & MetricIntervalOptions & { fraction?: number; classNames?: readonly string[]; source?: string; split?: CalibrationSplit } = {}): Recalibration {
  const { k } = scores;
  const split = options.split ?? calibrationSplit(labels.length, { ...(options.fraction !== undefined ? { fraction: options.fraction } : {}), seed: options.seed ?? 0, labels });
  const part = (rows: Int32Array): { scores: ModelScores; labels: Int32Array } => ({ scores: { ...scores, values: takeMatrixRows(scores.values, k, rows) }, labels: Int32Array.from(rows, (i) => labels[i]!) });
  const fit = part(split.calibration);
  const held = part(split.evaluation);
  const where = `calibration split: ${split.calibration.length} of ${labels.length} rows (fraction ${split.fraction}, seed ${split.seed}, stratified by label)`;
  const calibrator = fitCalibrator(kind, fit.scores, fit.labels, { ...(options.classNames ? { classNames: options.classNames } : {}), source: options.source ? `${options.source}; ${where}` : where, ...(options.signal ? { signal: options.signal } : {}) });
  const beforeProbabilities = held.scores.space === 'logits' ? softmax(held.scores.values, k) : held.scores.values;
  const metricOptions = { ...(options.bins !== undefined ? { bins: options.bins } : {}), ...(options.binning ? { binning: options.binning } : {}), ...(options.iterations !== undefined ? { iterations: options.iterations } : {}), ...(options.level !== undefined ? { level: options.level } : {}), seed: options.seed ?? 0, ...(options.signal ? { signal: options.signal } : {}) };
  const before = calibrationReport(checkProbabilities(beforeProbabilities, held.labels, k, 'held-out outputs'), metricOptions);
  const after = calibrationReport(checkProbabilities(applyCalibrator(calibrator, held.scores), held.labels, k, 'calibrated outputs'), metricOptions);
  return { calibrator, split: { calibrationRows: split.calibration.length, evaluationRows: split.evaluation.length, fraction: split.fraction, seed: split.seed, stratified: true }, before, after };
}
