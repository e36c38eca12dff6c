import type { ReportBlock } from '../../results/blocks.js';
import type { GroupCalibration } from './groups.js';
import { BOOTSTRAP_METHOD, type IntervalMetric } from './metric-intervals.js';
import type { ReliabilityBin } from './metrics.js';
import type { CalibrationReport } from './report.js';
import { reliabilityDiagram, type ReliabilitySeries } from './reliability-diagram.js';

const r4 = (x: number | null): number | null => (x === null ? null : Number(x.toFixed(4)));
const LABELS: Readonly<Record<IntervalMetric, string>> = {
  accuracy: 'accuracy',
  ece: 'ECE (top label)',
  mce: 'MCE',
  classwiseEce: 'class-wise ECE',
  brier: 'Brier (multiclass sum)',
  brierTopLabel: 'Brier (top label)',
  nll: 'NLL',
};

/**
 * The metrics of one or more calibration reports as a table, each value beside its interval; columns are
 * the reports (e.g. all rows, held-out before, held-out after).
 */
export function metricsTable(columns: readonly { name: string; report: CalibrationReport }[], caption: string): ReportBlock {
  const level = Math.round(columns[0]!.report.intervals.ece.level * 100);
  const cell = (iv: CalibrationReport['intervals'][IntervalMetric]): string => `${iv.low.toFixed(4)}–${iv.high.toFixed(4)}${iv.method.includes('widened') ? ' *' : ''}`;
  const widened = columns.some((c) => Object.values(c.report.intervals).some((iv) => iv.method.includes('widened')));
  return {
    kind: 'table',
    caption: `${caption} (${level}% intervals: ${BOOTSTRAP_METHOD}${widened ? '; * widened to include the estimate, whose resamples all lie on one side' : ''})`,
    columns: ['metric', ...columns.flatMap((c) => [c.name, `${c.name} CI`])],
    rows: (Object.keys(LABELS) as IntervalMetric[]).map((m) => [LABELS[m], ...columns.flatMap((c) => [r4(c.report[m]), cell(c.report.intervals[m])])]),
  };
}

/** The reliability table: one row per bin, empty bins included. */
export function binsTable(bins: readonly ReliabilityBin[], caption: string): ReportBlock {
  return {
    kind: 'table',
    caption,
    columns: ['bin (lower, upper]', 'rows', 'accuracy', 'mean confidence', 'confidence − accuracy'],
    rows: bins.map((b) => [`(${b.lower.toFixed(3)}, ${b.upper.toFixed(3)}]`, b.count, r4(b.accuracy), r4(b.meanConfidence), r4(b.gap)]),
  };
}

/** A reliability diagram block. */
export function reliabilityChart(series: readonly ReliabilitySeries[], caption: string): ReportBlock {
  return { kind: 'chart', caption, spec: reliabilityDiagram(series) };
}

/** Calibration per group of one attribute, largest |gap| first, each gap and ECE beside its interval. */
export function groupsTable(attribute: string, groups: readonly GroupCalibration[]): ReportBlock {
  const sorted = [...groups].sort((a, b) => Math.abs(b.gap) - Math.abs(a.gap));
  const method = groups[0] ? `gap: ${groups[0].gapInterval.method}; ECE: ${groups[0].eceInterval.method}` : '';
  return {
    kind: 'table',
    caption: `Calibration by ${attribute}, largest gap first (${method})`,
    columns: ['group', 'n', 'accuracy', 'mean confidence', 'confidence − accuracy', 'gap CI', 'ECE', 'ECE CI', 'verdict'],
    rows: sorted.map((g) => [g.group, g.n, r4(g.accuracy), r4(g.meanConfidence), r4(g.gap), `${g.gapInterval.low.toFixed(3)}–${g.gapInterval.high.toFixed(3)}`, r4(g.ece), `${g.eceInterval.low.toFixed(3)}–${g.eceInterval.high.toFixed(3)}`, g.direction === 'over' ? 'over-confident' : g.direction === 'under' ? 'under-confident' : '']),
  };
}
