import { GlassboxError } from '../../../errors.js';
import { writeFileAtomic } from '../../../io/atomic-write.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { CALIBRATOR_KINDS, fitCalibrator, applyCalibrator, type ModelScores } from '../../../uncertainty/calibration/calibrator.js';
import { calibratorToJson } from '../../../uncertainty/calibration/calibrator-json.js';
import { calibrationByGroup, type GroupCalibration } from '../../../uncertainty/calibration/groups.js';
import { calibrationRows, type CalibrationOptions } from '../../../uncertainty/calibration/metrics.js';
import { checkProbabilities, checkLogits, softmax } from '../../../uncertainty/calibration/probabilities.js';
import { recalibrate, type Recalibration } from '../../../uncertainty/calibration/recalibrate.js';
import { calibrationReport, type CalibrationReport } from '../../../uncertainty/calibration/report.js';
import { parseChoice, parseIntegerFlag } from '../../options.js';
import { renderBlocks } from '../../render.js';
import { calibrationBlocks } from './blocks.js';
import { loadCalibrationInputs, type CalibrationInputFlags, type CalibrationInputs } from './inputs.js';

export interface CalibrationFlags extends CalibrationInputFlags {
  bins?: string;
  binning?: string;
  fitTemperature?: boolean;
  calibrator?: string;
  calibratorOut?: string;
  calibrationFraction?: string;
  iterations?: string;
  seed?: string;
  format?: string;
}

/** A recalibration judged either on held-out rows (a split) or, with --calibration-fraction 1, on the rows it was fitted on. */
export interface Judged {
  readonly recalibration: Omit<Recalibration, 'split'>;
  readonly evaluatedOn: 'held-out rows' | 'the same rows (in-sample)';
  readonly split: Recalibration['split'] | null;
}

function parseFraction(value: string | undefined): number {
  const f = value === undefined ? 0.5 : Number(value);
  if (!(f > 0 && f <= 1)) throw new GlassboxError('invalid_argument', `--calibration-fraction must be in (0, 1]; got "${value}".`, { argument: '--calibration-fraction', hint: 'e.g. 0.5 (fit on half, evaluate on the other half), or 1 to fit and evaluate on all rows' });
  return f;
}

/** `glassbox calibration`: calibration metrics with intervals, per group, and recalibration on a held-out split. */
export async function runCalibration(flags: CalibrationFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'table');
  const binning = parseChoice('--binning', flags.binning, ['equal-width', 'equal-mass'] as const, 'equal-width');
  const kind = parseChoice('--calibrator', flags.calibrator, CALIBRATOR_KINDS, 'temperature');
  const bins = parseIntegerFlag('--bins', flags.bins, 15, 1);
  const iterations = parseIntegerFlag('--iterations', flags.iterations, 1000, 1);
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const fraction = parseFraction(flags.calibrationFraction);
  const inputs = await loadCalibrationInputs(flags);
  const { k, labels } = inputs;
  const source = flags.predictions ?? '--predictions';
  const probabilities = inputs.space === 'logits' ? softmax(checkLogits(inputs.scores, inputs.n, k, source), k) : inputs.scores;
  const checked = checkProbabilities(probabilities, labels, k, inputs.space === 'logits' ? `softmax of ${source}` : source);
  const options: CalibrationOptions & { iterations: number; seed: number } = { bins, binning, iterations, seed };
  const overall = calibrationReport(checked, options);
  const scores: ModelScores = { values: inputs.scores, k, space: inputs.space };
  const judge = (which: (typeof CALIBRATOR_KINDS)[number]): Judged => judged(which, scores, inputs, fraction, options);
  const temperature = flags.fitTemperature ? judge('temperature') : undefined;
  const saved = flags.calibratorOut ? (kind === 'temperature' && temperature ? temperature : judge(kind)) : undefined;
  if (saved && flags.calibratorOut) await writeFileAtomic(flags.calibratorOut, calibratorToJson(saved.recalibration.calibrator));
  const rows = calibrationRows(checked, { bins, binning });
  const groups = inputs.groups.map((g) => ({ attribute: g.name, groups: calibrationByGroup(rows, g.codes, g.labels, { seed, iterations: Math.min(iterations, 500) }) }));
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(calibrationJson(inputs, overall, temperature, saved, flags.calibratorOut, groups), null, 2)}\n`);
    return;
  }
  const blocks: ReportBlock[] = calibrationBlocks({ inputs, overall, temperature, saved, calibratorOut: flags.calibratorOut, groups, chart: format === 'html' });
  process.stdout.write(await renderBlocks(format, 'glassbox calibration', blocks));
}

/** Fits a calibrator on a calibration split and evaluates it on the held-out rows (or in-sample at fraction 1). */
function judged(kind: (typeof CALIBRATOR_KINDS)[number], scores: ModelScores, inputs: CalibrationInputs, fraction: number, options: CalibrationOptions & { iterations: number; seed: number }): Judged {
  const meta = { ...(inputs.classNames ? { classNames: inputs.classNames } : {}), source: inputs.source };
  if (fraction < 1) {
    const r = recalibrate(kind, scores, inputs.labels, { ...options, fraction, ...meta });
    return { recalibration: r, evaluatedOn: 'held-out rows', split: r.split };
  }
  const calibrator = fitCalibrator(kind, scores, inputs.labels, meta);
  const before = calibrationReport(checkProbabilities(scores.space === 'logits' ? softmax(scores.values, scores.k) : scores.values, inputs.labels, scores.k), options);
  const after = calibrationReport(checkProbabilities(applyCalibrator(calibrator, scores), inputs.labels, scores.k, 'calibrated outputs'), options);
  return { recalibration: { calibrator, before, after }, evaluatedOn: 'the same rows (in-sample)', split: null };
}

const headline = (r: CalibrationReport) => ({ accuracy: r.accuracy, ece: r.ece, mce: r.mce, classwiseEce: r.classwiseEce, brier: r.brier, brierTopLabel: r.brierTopLabel, nll: r.nll });

function judgedJson(j: Judged) {
  const { calibrator, before, after } = j.recalibration;
  return {
    evaluatedOn: j.evaluatedOn,
    split: j.split,
    before: { ...headline(before), intervals: { ece: before.intervals.ece, nll: before.intervals.nll } },
    after: { ...headline(after), bins: after.bins, intervals: after.intervals },
    calibrator,
  };
}

/** The JSON the command prints: metrics on every row with intervals; temperature and calibrator results on held-out rows. */
function calibrationJson(inputs: CalibrationInputs, overall: CalibrationReport, temperature: Judged | undefined, saved: Judged | undefined, calibratorOut: string | undefined, groups: readonly { attribute: string; groups: readonly GroupCalibration[] }[]) {
  return {
    version: 1,
    source: inputs.source,
    scores: inputs.space,
    n: overall.n,
    classes: inputs.classNames ?? overall.classes,
    binning: overall.binning,
    ...headline(overall),
    meanConfidence: overall.meanConfidence,
    brierDefinition: 'mean_i Σ_k (p_ik − y_ik)² (multiclass sum, range [0, 2])',
    bins: overall.bins,
    intervals: overall.intervals,
    seed: overall.seed,
    ...(temperature && temperature.recalibration.calibrator.kind === 'temperature'
      ? { temperature: { value: temperature.recalibration.calibrator.temperature, ece: temperature.recalibration.after.ece, nll: temperature.recalibration.after.nll, mce: temperature.recalibration.after.mce, brier: temperature.recalibration.after.brier, accuracy: temperature.recalibration.after.accuracy, ...judgedJson(temperature) } }
      : {}),
    ...(saved ? { calibrator: { file: calibratorOut, kind: saved.recalibration.calibrator.kind, ...judgedJson(saved) } } : {}),
    ...(groups.length ? { groups } : {}),
    rowIds: Array.from(inputs.rowIds),
  };
}
