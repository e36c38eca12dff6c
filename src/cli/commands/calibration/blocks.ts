import type { ReportBlock } from '../../../results/blocks.js';
import type { GroupCalibration } from '../../../uncertainty/calibration/groups.js';
import type { CalibrationReport } from '../../../uncertainty/calibration/report.js';
import { binsTable, groupsTable, metricsTable, reliabilityChart } from '../../../uncertainty/calibration/report-blocks.js';
import type { CalibrationInputs } from './inputs.js';
import type { Judged } from './run.js';

function calibratorName(j: Judged): string {
  const c = j.recalibration.calibrator;
  return c.kind === 'temperature' ? `temperature T = ${c.temperature.toFixed(3)}` : `${c.kind} scaling`;
}

function describeCalibrator(j: Judged): string {
  const c = j.recalibration.calibrator;
  const what = c.kind === 'temperature' ? `temperature T = ${c.temperature.toFixed(6)}` : `${c.kind} calibrator`;
  const where = j.split ? `fitted on ${j.split.calibrationRows} rows (stratified split, fraction ${j.split.fraction}, seed ${j.split.seed}), evaluated on the ${j.split.evaluationRows} held-out rows` : 'fitted and evaluated on the same rows (in-sample)';
  const { before, after } = j.recalibration;
  return `${what}, ${where}: ECE ${before.ece.toFixed(4)} → ${after.ece.toFixed(4)}, NLL ${before.nll.toFixed(4)} → ${after.nll.toFixed(4)}, Brier ${before.brier.toFixed(4)} → ${after.brier.toFixed(4)}.`;
}

/** What `glassbox calibration --format table|html` shows. */
export function calibrationBlocks(input: { inputs: CalibrationInputs; overall: CalibrationReport; temperature: Judged | undefined; saved: Judged | undefined; calibratorOut: string | undefined; groups: readonly { attribute: string; groups: readonly GroupCalibration[] }[]; chart: boolean }): ReportBlock[] {
  const { inputs, overall, temperature, saved } = input;
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `${overall.n} rows of ${inputs.source}, ${overall.classes} classes (${inputs.space}); ${overall.bins.length} ${overall.binning} bins on the top-label confidence, each (lower, upper]. Accuracy ${overall.accuracy.toFixed(4)}, mean confidence ${overall.meanConfidence.toFixed(4)}: the model is ${overall.meanConfidence > overall.accuracy ? 'over' : 'under'}-confident by ${Math.abs(overall.meanConfidence - overall.accuracy).toFixed(4)} on average.` },
    metricsTable([{ name: 'all rows', report: overall }], 'Calibration metrics'),
  ];
  const series = [{ name: 'all rows', bins: overall.bins }];
  for (const j of new Set([temperature, saved])) {
    if (!j) continue;
    blocks.push({ kind: 'text', markdown: describeCalibrator(j) });
    blocks.push(metricsTable([{ name: 'before', report: j.recalibration.before }, { name: 'after', report: j.recalibration.after }], `${j.recalibration.calibrator.kind} scaling on ${j.evaluatedOn}`));
  }
  if (input.calibratorOut && saved) blocks.push({ kind: 'text', markdown: `Wrote the ${saved.recalibration.calibrator.kind} calibrator to ${input.calibratorOut}; apply it with \`glassbox predict --calibrator ${input.calibratorOut}\`.` });
  const judged = temperature ?? saved;
  if (input.chart) {
    blocks.push(
      judged
        ? reliabilityChart([{ name: 'before', bins: judged.recalibration.before.bins }, { name: `after ${calibratorName(judged)}`, bins: judged.recalibration.after.bins }], `Reliability diagram on ${judged.evaluatedOn}: accuracy per confidence bin against the diagonal, rows per bin below`)
        : reliabilityChart(series, 'Reliability diagram: accuracy per confidence bin (bars), mean confidence (diamonds), the diagonal of perfect calibration; rows per bin below'),
    );
  }
  blocks.push(binsTable(overall.bins, 'Reliability table (all rows)'));
  for (const g of input.groups) blocks.push(groupsTable(g.attribute, g.groups));
  return blocks;
}
