import { GlassboxError } from '../../errors.js';
import { Rng } from '../../rng.js';

/** Row indices for fitting a calibrator and the held-out rows it is evaluated on, each in increasing order. */
export interface CalibrationSplit {
  readonly calibration: Int32Array;
  readonly evaluation: Int32Array;
  readonly fraction: number;
  readonly seed: number;
}

/**
 * A seeded random split of n rows: ⌊fraction·n⌉ rows to fit a calibrator on, the rest to evaluate it.
 * Stratified by label when labels are given, so both parts keep the class mix.
 */
export function calibrationSplit(n: number, options: { fraction?: number; seed?: number; labels?: Int32Array } = {}): CalibrationSplit {
  const fraction = options.fraction ?? 0.5;
  const seed = options.seed ?? 0;
  if (!(fraction > 0 && fraction < 1)) throw new GlassboxError('invalid_argument', `calibration fraction ${fraction} must lie strictly between 0 and 1.`, { argument: '--calibration-fraction', hint: 'e.g. 0.5' });
  const rng = new Rng(seed);
  const strata = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = options.labels ? options.labels[i]! : 0;
    let list = strata.get(key);
    if (!list) strata.set(key, (list = []));
    list.push(i);
  }
  const inCalibration = new Uint8Array(n);
  for (const key of [...strata.keys()].sort((a, b) => a - b)) {
    const rows = rng.shuffle(strata.get(key)!);
    const take = Math.round(fraction * rows.length);
    for (let j = 0; j < take; j++) inCalibration[rows[j]!] = 1;
  }
  const calibration: number[] = [];
  const evaluation: number[] = [];
  for (let i = 0; i < n; i++) (inCalibration[i] ? calibration : evaluation).push(i);
  if (calibration.length < 2 || evaluation.length < 2) throw new GlassboxError('invalid_input', `${n} rows are too few to split into calibration and held-out rows.`, { argument: '--calibration-fraction', hint: 'Give more labelled rows.' });
  return { calibration: Int32Array.from(calibration), evaluation: Int32Array.from(evaluation), fraction, seed };
}
