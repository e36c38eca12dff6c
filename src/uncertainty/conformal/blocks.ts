import type { ReportBlock } from '../../results/blocks.js';
import type { CoverageSummary, GroupCoverage } from './coverage.js';
import type { ConformalEvaluation } from './evaluate.js';
import type { ConformalQuantile } from './quantile.js';
import type { RiskCoverage } from '../selective/risk-coverage.js';

const fmt = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));

/** One bar of the per-group chart: a group's coverage with its interval and its mean set size. */
export interface GroupChartRow {
  /** What the row is grouped by (an attribute, "class", or a method name). */
  readonly series: string;
  readonly group: string;
  readonly n: number;
  readonly coverage: number;
  readonly low: number;
  readonly high: number;
  readonly averageSetSize: number;
}

export function chartRows(series: string, groups: readonly GroupCoverage[]): GroupChartRow[] {
  return groups.filter((g) => g.n > 0).map((g) => ({ series, group: g.group, n: g.n, coverage: g.coverage!, low: g.coverageInterval!.low, high: g.coverageInterval!.high, averageSetSize: g.averageSetSize! }));
}

/**
 * Coverage per group (points with their Clopper–Pearson intervals, a dashed rule at the target 1 − α)
 * beside the mean set size per group; rows are "series · group (n)", in the order given.
 */
export function coverageChartSpec(rows: readonly GroupChartRow[], alpha: number, level: number): Record<string, unknown> {
  const values = rows.map((r) => ({ ...r, label: `${r.series}: ${r.group} (n=${r.n})` }));
  const low = Math.max(0, Math.floor((Math.min(1 - alpha - 0.05, ...rows.map((r) => r.low)) - 0.01) * 20) / 20);
  const y = { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelFontSize: 12, labelLimit: 600 } };
  const step = { step: 24 };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    config: { axisY: { labelLimit: 600 } },
    hconcat: [
      {
        width: 320,
        height: step,
        layer: [
          { mark: { type: 'rule', strokeWidth: 2, color: '#57606a' }, encoding: { y, x: { field: 'low', type: 'quantitative', scale: { domain: [low, 1] }, title: `coverage, ${Math.round(level * 100)}% Clopper–Pearson (dashed: target ${1 - alpha})`, axis: { titleFontSize: 12, labelFontSize: 11 } }, x2: { field: 'high' } } },
          { mark: { type: 'point', filled: true, size: 80 }, encoding: { y, x: { field: 'coverage', type: 'quantitative' }, color: { field: 'series', type: 'nominal', legend: null }, tooltip: [{ field: 'label' }, { field: 'coverage', format: '.3f' }, { field: 'low', format: '.3f' }, { field: 'high', format: '.3f' }] } },
          { mark: { type: 'rule', strokeDash: [5, 4], color: '#cf222e', strokeWidth: 1.5 }, encoding: { x: { datum: 1 - alpha, type: 'quantitative' } } },
        ],
      },
      {
        width: 180,
        height: step,
        layer: [
          { mark: { type: 'bar', color: '#8fb8de' }, encoding: { y: { ...y, axis: null }, x: { field: 'averageSetSize', type: 'quantitative', title: 'mean set size', axis: { titleFontSize: 12, labelFontSize: 11 } } } },
          { mark: { type: 'text', align: 'left', dx: 3, fontSize: 11 }, encoding: { y: { ...y, axis: null }, x: { field: 'averageSetSize', type: 'quantitative' }, text: { field: 'averageSetSize', format: '.2f' } } },
        ],
      },
    ],
  };
}

/** A table of coverage and set size per group. */
export function coverageTable(caption: string, groups: readonly (GroupCoverage | (CoverageSummary & { group: string }))[]): ReportBlock {
  return {
    kind: 'table',
    caption,
    columns: ['group', 'n', 'coverage', 'coverage CI (Clopper–Pearson)', 'mean set size', 'empty sets'],
    rows: groups.map((g) => [g.group, g.n, g.coverage, g.coverageInterval ? `${fmt(g.coverageInterval.low)}–${fmt(g.coverageInterval.high)}` : '—', g.averageSetSize, g.emptyRate]),
  };
}

/** How q̂ was obtained, in words (including when it is +∞). */
export function describeThreshold(t: ConformalQuantile, what: string): string {
  if (t.infinite) return `${what}: q̂ = +∞ — ⌈(n+1)(1−α)⌉ = ${t.rank} exceeds the ${t.n} calibration rows, so every set holds every class. Use more calibration rows or a larger α.`;
  return `${what}: q̂ = ${t.qhat.toPrecision(6)}, the ${t.rank}-th smallest of ${t.n} calibration scores.`;
}

/** Report blocks of a conformal evaluation: thresholds, coverage overall/per class/per group, chart, selective prediction. */
export function conformalBlocks(evaluation: ConformalEvaluation, classes: readonly string[], level = 0.95, groupLabels?: readonly string[]): ReportBlock[] {
  const { classifier } = evaluation;
  const score = classifier.score;
  const name = `${score.randomized ? 'randomised ' : ''}${score.score.toUpperCase()}${score.score === 'raps' ? ` (λ=${score.lambda}, k_reg=${score.kReg})` : ''}`;
  const labelOf = (b: number): string => (classifier.conditioning === 'class' ? `class ${classes[b] ?? b}` : classifier.conditioning === 'group' ? `group ${groupLabels?.[b] ?? b}` : 'all calibration rows');
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `Split conformal prediction sets, score ${name}, α = ${classifier.alpha} (target coverage ${1 - classifier.alpha}), ${classifier.conditioning} calibration.\n\n${classifier.thresholds.map((t, b) => `- ${describeThreshold(t, labelOf(b))}`).join('\n')}` },
  ];
  const { overall, perClass, perGroup, selective } = evaluation;
  if (!overall) return blocks;
  blocks.push(coverageTable('Coverage and set size', [{ group: 'all rows', ...overall }, ...(perClass ?? []).map((g) => ({ ...g, group: `true class ${g.group}` }))]));
  for (const g of perGroup ?? []) blocks.push(coverageTable(`By ${g.attribute}`, g.groups));
  const rows = [...chartRows('true class', perClass ?? []), ...(perGroup ?? []).flatMap((g) => chartRows(g.attribute, g.groups))];
  if (rows.length) blocks.push({ kind: 'chart', caption: `Coverage (target ${1 - classifier.alpha}, dashed) and mean set size per class and group`, spec: coverageChartSpec(rows, classifier.alpha, level) });
  if (selective) {
    blocks.push({
      kind: 'table',
      caption: `Selective prediction: abstain on the least confident rows (max probability); AURC ${fmt(selective.aurc, 4)} (a perfect ranking: ${fmt(selective.optimalAurc, 4)}; error rate ${fmt(selective.errorRate, 4)})`,
      columns: ['coverage', 'rows kept', 'accuracy', 'confidence threshold'],
      rows: selective.accuracyAtCoverage.map((a) => [a.coverage, a.n, a.accuracy, a.threshold]),
    });
    blocks.push({ kind: 'chart', caption: 'Risk–coverage curve: error rate of the most confident rows kept', spec: riskCoverageSpec(selective) });
  }
  return blocks;
}

/** The risk–coverage curve (at most 200 points) with the perfect ranking's curve, dashed, for reference. */
export function riskCoverageSpec(rc: RiskCoverage): Record<string, unknown> {
  const stride = Math.max(1, Math.floor(rc.n / 200));
  const values: { coverage: number; risk: number; curve: string }[] = [];
  for (let k = 0; k < rc.n; k += stride) {
    const kept = k + 1;
    values.push({ coverage: rc.coverage[k]!, risk: rc.risk[k]!, curve: 'model' });
    values.push({ coverage: rc.coverage[k]!, risk: Math.max(0, kept - (rc.n - rc.errors)) / kept, curve: 'perfect ranking' });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    width: 360,
    height: 220,
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'coverage', type: 'quantitative', scale: { domain: [0, 1] }, title: 'coverage (share of rows answered)' },
      y: { field: 'risk', type: 'quantitative', title: 'error rate among answered rows' },
      color: { field: 'curve', type: 'nominal', title: null, legend: { orient: 'top-left' } },
      strokeDash: { field: 'curve', type: 'nominal', legend: null, scale: { domain: ['model', 'perfect ranking'], range: [[1, 0], [4, 3]] } },
    },
  };
}
