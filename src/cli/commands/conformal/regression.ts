import { GlassboxError } from '../../../errors.js';
import { clopperPearsonInterval } from '../../../math/stats/clopper-pearson.js';
import type { ReportBlock } from '../../../results/blocks.js';
import type { RowGrouping } from '../../../uncertainty/conformal/evaluate.js';
import { absoluteResidualIntervals, cqrIntervals, intervalCoverage, type ConformalIntervals } from '../../../uncertainty/conformal/regression.js';
import { describeThreshold } from '../../../uncertainty/conformal/blocks.js';
import { renderBlocks } from '../../render.js';

/** Regression rows: point predictions (width 1) or lower/upper quantiles (width 2), and targets. */
export interface RegressionRows {
  readonly kind: 'regression';
  readonly width: number;
  readonly calibration: { readonly outputs: Float64Array; readonly targets: Float64Array };
  readonly test: { readonly outputs: Float64Array; readonly targets?: Float64Array; readonly rowIds: Int32Array; readonly groupings: readonly RowGrouping[] };
  readonly source: Record<string, unknown>;
  readonly split: string | null;
}

function column(values: Float64Array, width: number, c: number): Float64Array {
  return Float64Array.from({ length: values.length / width }, (_, i) => values[i * width + c]!);
}

function intervalsOf(rows: RegressionRows, alpha: number, method: 'residual' | 'cqr'): ConformalIntervals {
  const { width } = rows;
  if (method === 'residual') {
    if (width !== 1) throw new GlassboxError('shape_mismatch', `--score residual needs one prediction per row; these have ${width} columns.`, { argument: '--score', hint: 'For lower/upper quantiles (n × 2), use --score cqr.' });
    return absoluteResidualIntervals({ predictions: rows.calibration.outputs, targets: rows.calibration.targets }, rows.test.outputs, alpha);
  }
  if (width !== 2 && width !== 3) throw new GlassboxError('shape_mismatch', `--score cqr needs lower and upper quantiles per row (n × 2, or n × 3 with the median between); these have ${width} column${width === 1 ? '' : 's'}.`, { argument: '--score', hint: 'For point predictions, use --score residual.' });
  const hi = width - 1;
  return cqrIntervals({ lower: column(rows.calibration.outputs, width, 0), upper: column(rows.calibration.outputs, width, hi), targets: rows.calibration.targets }, { lower: column(rows.test.outputs, width, 0), upper: column(rows.test.outputs, width, hi) }, alpha);
}

/** Coverage of the intervals among some rows, with a Clopper–Pearson interval. */
function coverageAt(intervals: ConformalIntervals, targets: Float64Array, rows: number[] | null): Record<string, unknown> {
  const pick = rows ?? Array.from(targets, (_, i) => i);
  const sub = { lower: Float64Array.from(pick, (i) => intervals.lower[i]!), upper: Float64Array.from(pick, (i) => intervals.upper[i]!) };
  const c = intervalCoverage(sub, Float64Array.from(pick, (i) => targets[i]!));
  return { n: c.n, covered: c.covered, coverage: c.coverage, coverageInterval: c.n ? clopperPearsonInterval(c.covered, c.n) : null, meanWidth: c.meanWidth };
}

/** Split-conformal regression intervals: JSON, or a table/HTML summary. */
export async function runConformalRegression(rows: RegressionRows, options: { alpha: number; method: 'residual' | 'cqr'; format: 'json' | 'table' | 'html' }): Promise<void> {
  const intervals = intervalsOf(rows, options.alpha, options.method);
  const t = intervals.threshold;
  const targets = rows.test.targets;
  const overall = targets ? coverageAt(intervals, targets, null) : undefined;
  const perGroup = targets ? rows.test.groupings.map((g) => ({ attribute: g.name, groups: g.labels.map((label, code) => ({ group: label, ...coverageAt(intervals, targets, Array.from(g.codes, (c, i) => (c === code ? i : -1)).filter((i) => i >= 0)) })) })) : [];
  const { calibrationRowIds, ...source } = rows.source;
  const json = {
    version: 1,
    task: 'regression',
    source,
    calibrationSplit: rows.split,
    calibrationRowIds: calibrationRowIds ?? null,
    method: intervals.method,
    alpha: options.alpha,
    qhat: t.infinite ? null : t.qhat,
    qhatInfinite: t.infinite,
    thresholds: [{ bin: 'all', qhat: t.infinite ? null : t.qhat, infinite: t.infinite, rank: t.rank, n: t.n }],
    rowIds: Array.from(rows.test.rowIds),
    intervals: Array.from(intervals.lower, (lo, i) => [t.infinite ? null : lo, t.infinite ? null : intervals.upper[i]!]),
    ...(overall ? { ...overall, perGroup } : {}),
    warnings: t.infinite ? [describeThreshold(t, 'all calibration rows').replace('every set holds every class', 'every interval is (−∞, +∞)')] : [],
  };
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(json)}\n`);
    return;
  }
  const fmt = (x: unknown): string => (typeof x === 'number' ? x.toFixed(3) : '—');
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `${intervals.method === 'cqr' ? 'Conformalized quantile regression (Romano et al. 2019)' : 'Split-conformal absolute-residual intervals'}, α = ${options.alpha}. ${describeThreshold(t, 'all calibration rows')}${rows.split ? `\n\nCalibration rows: ${rows.split}.` : ''}` },
  ];
  if (overall) {
    const row = (group: string, c: Record<string, unknown>): (string | number | null)[] => {
      const ci = c.coverageInterval as { low: number; high: number } | null;
      return [group, c.n as number, c.coverage as number | null, ci ? `${fmt(ci.low)}–${fmt(ci.high)}` : '—', c.meanWidth as number | null];
    };
    blocks.push({ kind: 'table', caption: 'Coverage and interval width', columns: ['group', 'n', 'coverage', 'coverage CI (Clopper–Pearson)', 'mean width'], rows: [row('all rows', overall), ...perGroup.flatMap((g) => g.groups.map((r) => row(`${g.attribute} = ${r.group}`, r)))] });
  }
  blocks.push({ kind: 'table', caption: 'Intervals of the first rows', columns: ['row', 'lower', 'upper'], rows: Array.from({ length: Math.min(20, rows.test.rowIds.length) }, (_, i) => [rows.test.rowIds[i]!, intervals.lower[i]!, intervals.upper[i]!]) });
  process.stdout.write(await renderBlocks(options.format, 'glassbox conformal', blocks));
}
