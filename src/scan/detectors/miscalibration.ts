import { isGlassboxError } from '../../errors.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Finding, Severity } from '../../results/finding.js';
import { calibrationByGroup, type GroupCalibration } from '../../uncertainty/calibration/groups.js';
import { calibrationIntervals } from '../../uncertainty/calibration/metric-intervals.js';
import { allRows, calibrationRows, metricsOn, type CalibrationRows } from '../../uncertainty/calibration/metrics.js';
import { calibrationGap, CALIBRATION_GAP } from '../../uncertainty/calibration/miscalibrated.js';
import { checkProbabilities, type LabelledProbabilities } from '../../uncertainty/calibration/probabilities.js';
import { recalibrate, type Recalibration } from '../../uncertainty/calibration/recalibrate.js';
import { binsTable, groupsTable, metricsTable, reliabilityChart } from '../../uncertainty/calibration/report-blocks.js';
import type { CalibrationReport } from '../../uncertainty/calibration/report.js';
import type { Detector, ScanContext } from '../detector.js';
import { scanGroups } from '../groups.js';
import { labelledRows } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';
import { calibrationSlices } from './miscalibration-slices.js';

/** |mean confidence − accuracy| over all rows whose interval must clear it for an overall finding. */
const OVERALL_GAP = 0.02;
/** ECE whose whole interval above it is an overall finding even when over- and under-confidence cancel in the mean. */
const OVERALL_ECE = 0.05;
/** Temperature scaling is tried on a split of the audited rows when there are at least this many. */
const MIN_ROWS_FOR_TEMPERATURE = 100;

function labelledProbabilities(context: ScanContext): { input: LabelledProbabilities; rows: Int32Array } {
  const rows = labelledRows(context.labels);
  const k = context.model.outputWidth;
  const p = new Float64Array(rows.length * k);
  rows.forEach((i, j) => {
    for (let c = 0; c < k; c++) p[j * k + c] = context.outputs[i * k + c]!;
  });
  return { input: checkProbabilities(p, Int32Array.from(rows, (i) => context.labels[i]!), k, 'the model outputs'), rows };
}

function severityOf(ece: number): Severity {
  return ece >= 0.1 ? 'high' : ece >= OVERALL_ECE ? 'medium' : 'low';
}

function overallFinding(context: ScanContext, report: CalibrationReport, gap: ReturnType<typeof calibrationGap>, temperature: Recalibration | undefined): Finding | undefined {
  const over = gap.interval.low >= OVERALL_GAP;
  const under = gap.interval.high <= -OVERALL_GAP;
  const large = report.intervals.ece.low >= OVERALL_ECE;
  if (!over && !under && !large) return undefined;
  const what = over ? 'over-confident' : under ? 'under-confident' : 'miscalibrated';
  const level = Math.round(report.intervals.ece.level * 100);
  const scaled = temperature?.calibrator.kind === 'temperature' ? ` Temperature scaling (T = ${temperature.calibrator.temperature.toFixed(3)}, fitted on ${temperature.split.calibrationRows} of the audited rows) takes the ECE of the other ${temperature.split.evaluationRows} from ${temperature.before.ece.toFixed(3)} to ${temperature.after.ece.toFixed(3)} and their NLL from ${temperature.before.nll.toFixed(3)} to ${temperature.after.nll.toFixed(3)}.` : '';
  return {
    id: 'miscalibration/overall',
    detector: 'miscalibration',
    severity: severityOf(report.ece),
    title: `The model is ${what}: ECE ${report.ece.toFixed(3)}`,
    summary: `Over ${report.n} labelled rows the mean top-label confidence is ${report.meanConfidence.toFixed(3)} against an accuracy of ${report.accuracy.toFixed(3)} (gap ${gap.gap.toFixed(3)}, ${level}% CI ${gap.interval.low.toFixed(3)}–${gap.interval.high.toFixed(3)}); ECE ${report.ece.toFixed(3)} (${level}% CI ${report.intervals.ece.low.toFixed(3)}–${report.intervals.ece.high.toFixed(3)}, 15 equal-width bins), MCE ${report.mce.toFixed(3)}, NLL ${report.nll.toFixed(3)}.${scaled}`,
    metric: 'ECE',
    value: report.ece,
    interval: { ...report.intervals.ece, method: `${report.intervals.ece.method} for ECE` },
    examples: [],
    evidence: { n: report.n, accuracy: report.accuracy, meanConfidence: report.meanConfidence, gap: gap.gap, gapInterval: { ...gap.interval, method: `${gap.interval.method} for confidence − accuracy` }, mce: report.mce, nll: report.nll, brier: report.brier, seed: context.seed, ...(temperature?.calibrator.kind === 'temperature' ? { temperature: temperature.calibrator.temperature, heldOutEceAfter: temperature.after.ece, heldOutEceBefore: temperature.before.ece } : {}) },
    suggestion: 'Recalibrate on held-out labelled rows: glassbox calibration --fit-temperature --calibrator-out calibrator.json (or --calibrator vector|platt|isotonic), then serve glassbox predict --calibrator calibrator.json.',
    reproduce: `${reproduceCommand(context)}  # or: glassbox calibration --model … --data … --fit-temperature`,
  };
}

function groupFinding(context: ScanContext, attribute: string, g: GroupCalibration): Finding {
  const level = Math.round(g.gapInterval.level * 100);
  const over = g.direction === 'over';
  const who = `${attribute} = ${g.group}`;
  return {
    id: `miscalibration/group/${attribute}=${g.group}`,
    detector: `miscalibration/${g.direction}`,
    severity: Math.abs(g.gap) >= 0.1 ? 'high' : 'medium',
    title: `${over ? 'Over' : 'Under'}-confident predictions for ${who}`,
    summary: `For ${who} (n=${g.n}) the mean confidence is ${g.meanConfidence.toFixed(3)} and the accuracy ${g.accuracy.toFixed(3)}: confidence − accuracy ${g.gap.toFixed(3)} (${level}% CI ${g.gapInterval.low.toFixed(3)}–${g.gapInterval.high.toFixed(3)}); ECE ${g.ece.toFixed(3)} (CI ${g.eceInterval.low.toFixed(3)}–${g.eceInterval.high.toFixed(3)}).`,
    metric: 'confidence − accuracy',
    value: g.gap,
    interval: { ...g.gapInterval, method: `${g.gapInterval.method} for confidence − accuracy` },
    slice: [{ feature: attribute, op: '==', value: g.group }],
    examples: [],
    evidence: { n: g.n, accuracy: g.accuracy, meanConfidence: g.meanConfidence, ece: g.ece, eceInterval: { ...g.eceInterval, method: `${g.eceInterval.method} for ECE` }, threshold: CALIBRATION_GAP },
    suggestion: over
      ? `Probabilities for ${who} overstate how often the model is right: calibrate per group, or treat its scores with caution when deciding (a fairness concern when decisions use the scores).`
      : `The model is right more often than it claims for ${who}; per-group recalibration can sharpen its probabilities.`,
    reproduce: reproduceCommand(context),
  };
}

function temperatureCheck(context: ScanContext, input: LabelledProbabilities): Recalibration | undefined {
  if (input.n < MIN_ROWS_FOR_TEMPERATURE) return undefined;
  try {
    return recalibrate('temperature', { values: input.probabilities, k: input.k, space: 'probabilities' }, input.labels, { seed: context.seed, iterations: 200, ...(context.signal ? { signal: context.signal } : {}) });
  } catch (error) {
    if (isGlassboxError(error) && error.code === 'not_converged') return undefined;
    throw error;
  }
}

function groupsOf(context: ScanContext, r: CalibrationRows, labelled: Int32Array) {
  return scanGroups(context).map((grouping) => ({
    attribute: grouping.name,
    grouping,
    groups: calibrationByGroup(r, Int32Array.from(labelled, (i) => grouping.codes[i]!), grouping.labels, { level: context.options.confidence, seed: context.seed, ...(context.signal ? { signal: context.signal } : {}) }),
  }));
}

/**
 * Calibration of the model's probabilities, overall, per protected group and per slice: ECE, MCE, Brier
 * and NLL with bootstrap intervals, the reliability diagram, what temperature scaling fitted on half the
 * audited rows does to the other half, the groups whose gap between confidence and accuracy lies beyond
 * ±0.05 with its whole interval, and the slices found the same way (this folds in the former
 * over/under-confidence slice detector). Guo et al. 2017; Pleiss et al. 2017.
 */
export const miscalibration: Detector = {
  id: 'miscalibration',
  title: 'Calibration',
  category: 'uncertainty',
  applies(context) {
    if (context.model.task === 'regression') return 'regression task (no class probabilities)';
    return context.labels.some((y) => y >= 0) ? true : 'the data has no labels';
  },
  async run(context) {
    let prepared: ReturnType<typeof labelledProbabilities>;
    try {
      prepared = labelledProbabilities(context);
    } catch (error) {
      if (!isGlassboxError(error)) throw error;
      return { findings: [], sections: [{ id: 'miscalibration', title: 'Calibration', blocks: [{ kind: 'text', markdown: `Calibration was not measured: ${error.message}` }] }], data: { measured: false, reason: error.message } };
    }
    const { input, rows: labelled } = prepared;
    const level = context.options.confidence;
    const r = calibrationRows(input);
    const all = allRows(r.n);
    const report: CalibrationReport = { ...metricsOn(r, all), intervals: calibrationIntervals(r, all, { level, seed: context.seed, ...(context.signal ? { signal: context.signal } : {}) }), seed: context.seed };
    context.progress('calibration: metrics and intervals');
    const gap = calibrationGap(r, all, level);
    const temperature = temperatureCheck(context, input);
    const groups = groupsOf(context, r, labelled);
    const tabular = context.schema.features.some((f) => f.type === 'numeric' || f.type === 'categorical');
    const slices = tabular ? calibrationSlices(context) : undefined;
    const findings: Finding[] = [];
    const rowMasks: Record<string, Uint8Array> = { ...(slices?.rows ?? {}) };
    const overall = overallFinding(context, report, gap, temperature);
    if (overall) findings.push(overall);
    for (const g of groups) {
      g.groups.forEach((row) => {
        if (!row.direction) return;
        const finding = groupFinding(context, g.attribute, row);
        findings.push(finding);
        const code = g.grouping.labels.indexOf(row.group);
        rowMasks[finding.id] = Uint8Array.from(g.grouping.codes, (c, i) => (c === code && context.labels[i]! >= 0 ? 1 : 0));
      });
    }
    findings.push(...(slices?.findings ?? []));
    const blocks: ReportBlock[] = [
      { kind: 'text', markdown: `Over ${report.n} labelled rows: accuracy ${report.accuracy.toFixed(3)}, mean top-label confidence ${report.meanConfidence.toFixed(3)} (gap ${gap.gap.toFixed(3)}, ${Math.round(level * 100)}% CI ${gap.interval.low.toFixed(3)}–${gap.interval.high.toFixed(3)}). The model is reported as over- or under-confident overall when that interval clears ±${OVERALL_GAP}, or when the ECE's interval lies above ${OVERALL_ECE}.${overall ? '' : ' Neither holds.'}` },
      metricsTable([{ name: 'all rows', report }], 'Calibration metrics (top label, 15 equal-width bins)'),
      reliabilityChart([{ name: 'all rows', bins: report.bins }], 'Reliability diagram: accuracy per confidence bin (bars), mean confidence (diamonds), the diagonal of perfect calibration; rows per bin below'),
    ];
    if (temperature?.calibrator.kind === 'temperature') {
      blocks.push({ kind: 'text', markdown: `**Temperature scaling.** Fitted on ${temperature.split.calibrationRows} audited rows (label-stratified split, seed ${temperature.split.seed}): T = ${temperature.calibrator.temperature.toFixed(4)}. On the ${temperature.split.evaluationRows} held-out rows ECE ${temperature.before.ece.toFixed(4)} → ${temperature.after.ece.toFixed(4)}, NLL ${temperature.before.nll.toFixed(4)} → ${temperature.after.nll.toFixed(4)}. \`glassbox calibration --fit-temperature --calibrator-out FILE\` writes the calibrator.` });
      blocks.push(reliabilityChart([{ name: 'held-out rows, before', bins: temperature.before.bins }, { name: `after T = ${temperature.calibrator.temperature.toFixed(3)}`, bins: temperature.after.bins }], 'Held-out rows before and after temperature scaling'));
    }
    blocks.push(binsTable(report.bins, 'Reliability table'));
    for (const g of groups) blocks.push(groupsTable(g.attribute, g.groups));
    if (slices) blocks.push(...slices.blocks);
    else blocks.push({ kind: 'text', markdown: '**Slices.** Not searched: the input is images or text, so there are no tabular columns to slice on.' });
    const { bins: _bins, ...metrics } = report;
    return {
      findings,
      rows: rowMasks,
      sections: [{ id: 'miscalibration', title: 'Calibration', blocks }],
      data: {
        measured: true,
        overall: { ...metrics, gap: gap.gap, gapInterval: gap.interval },
        bins: report.bins,
        temperature: temperature?.calibrator.kind === 'temperature' ? { value: temperature.calibrator.temperature, split: temperature.split, before: { ece: temperature.before.ece, nll: temperature.before.nll }, after: { ece: temperature.after.ece, nll: temperature.after.nll } } : null,
        groups: groups.map(({ attribute, groups: rows }) => ({ attribute, groups: rows })),
        slices: slices?.data ?? null,
      },
    };
  },
};
