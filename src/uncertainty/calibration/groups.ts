import type { ConfidenceInterval } from '../../math/stats/interval.js';
import { metricInterval } from './metric-intervals.js';
import { calibrationGap, miscalibrated, CALIBRATION_GAP } from './miscalibrated.js';
import { eceOn, type CalibrationRows } from './metrics.js';

/** Calibration of one group of rows (a protected group or a slice). */
export interface GroupCalibration {
  readonly group: string;
  readonly n: number;
  readonly accuracy: number;
  readonly meanConfidence: number;
  /** meanConfidence − accuracy: positive = over-confident. */
  readonly gap: number;
  readonly gapInterval: ConfidenceInterval;
  readonly ece: number;
  readonly eceInterval: ConfidenceInterval;
  /** 'over' / 'under' when the gap and its whole interval lie beyond ±threshold, else null. */
  readonly direction: 'over' | 'under' | null;
}

export interface GroupCalibrationOptions {
  readonly level?: number;
  readonly seed?: number;
  /** Bootstrap resamples for the ECE interval (default 500). */
  readonly iterations?: number;
  /** |gap| beyond which a group is over/under-confident (default 0.05). */
  readonly threshold?: number;
  readonly signal?: AbortSignal;
}

/**
 * Calibration per group: for each group code g (rows with codes[i] = g; −1 = in no group) its accuracy,
 * mean confidence, the gap between them with a normal interval, and its top-label ECE with a
 * percentile-bootstrap interval. A group is over- (under-) confident when its gap's whole interval lies
 * above +threshold (below −threshold). Which groups get over-confident predictions is a fairness question
 * (Pleiss et al. 2017, "On fairness and calibration").
 */
export function calibrationByGroup(r: CalibrationRows, codes: Int32Array, groups: readonly string[], options: GroupCalibrationOptions = {}): GroupCalibration[] {
  const level = options.level ?? 0.95;
  const threshold = options.threshold ?? CALIBRATION_GAP;
  const members: number[][] = groups.map(() => []);
  codes.forEach((g, i) => {
    if (g >= 0 && g < groups.length) members[g]!.push(i);
  });
  const out: GroupCalibration[] = [];
  members.forEach((list, g) => {
    if (list.length === 0) return;
    const rows = Int32Array.from(list);
    const { gap, interval } = calibrationGap(r, rows, level);
    let accuracy = 0;
    for (const i of list) accuracy += r.correct[i]! / list.length;
    const eceInterval = metricInterval(r, rows, 'ece', { level, seed: options.seed ?? 0, iterations: options.iterations ?? 500, ...(options.signal ? { signal: options.signal } : {}) });
    const direction = miscalibrated({ interval }, 1, threshold) ? 'over' : miscalibrated({ interval }, -1, threshold) ? 'under' : null;
    out.push({ group: groups[g]!, n: rows.length, accuracy, meanConfidence: accuracy + gap, gap, gapInterval: interval, ece: eceOn(r, rows), eceInterval, direction });
  });
  return out;
}
