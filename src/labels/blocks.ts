import type { ReportBlock } from '../results/blocks.js';
import type { LabelIssueReport } from './report.js';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Report blocks for a label-issue report: summary, suspected rows, noise per class pair (table and heatmap), concentration. */
export function labelIssueBlocks(report: LabelIssueReport, options: { maxRows?: number; maxBins?: number; chart?: boolean } = {}): ReportBlock[] {
  const maxRows = options.maxRows ?? 25;
  const blocks: ReportBlock[] = [{ kind: 'text', markdown: summary(report) }];
  if (report.flagged > 0) {
    const rows = report.rowIds.slice(0, maxRows).map((row, t) => [row, report.givenLabels[t]!, report.suggestedLabels[t]!, r3(report.scores[t]!), r3(report.givenProbabilities[t]!), r3(report.suggestedProbabilities[t]!)]);
    blocks.push({ kind: 'table', caption: `Suspected label issues, most suspicious first (${Math.min(maxRows, report.flagged)} of ${report.flagged}; row = 0-based data row; score = ${report.rankBy.replace('_', ' ')}, lower is worse)`, columns: ['row', 'given label', 'suggested label', 'score', 'p̂(given)', 'p̂(suggested)'], rows });
  }
  if (report.noiseRates.length) {
    blocks.push({
      kind: 'table',
      caption: 'Estimated label noise per class pair (calibrated confident joint): count of rows labelled "given" that are probably "true"; share of the given label; noise rate P(given | true)',
      columns: ['given label', 'probably', 'estimated rows', 'share of given label', 'noise rate P(given | true)'],
      rows: report.noiseRates.map((r) => [r.given, r.truth, r.count, pct(r.shareOfGiven), pct(r.noiseRate)]),
    });
  }
  if (options.chart !== false && report.classes.length <= 20) blocks.push({ kind: 'chart', caption: 'P̂(true label | given label): each row sums to 1; off-diagonal cells are the estimated share of wrong labels', spec: inverseNoiseHeatmap(report) });
  const bins = report.concentration.filter((b) => b.qValue < 0.05 && (b.lift ?? 0) > 1).slice(0, options.maxBins ?? 10);
  if (bins.length) {
    blocks.push({
      kind: 'table',
      caption: 'Where the flagged rows concentrate (feature bins with a significantly higher flagged share; one-sided two-proportion z-test, Benjamini–Hochberg q < 0.05; interval: Wilson 95%)',
      columns: ['slice', 'rows', 'flagged', 'flagged share', 'interval', 'lift', 'q'],
      rows: bins.map((b) => [b.description, b.n, b.issues, pct(b.rate), `${pct(b.interval.low)}–${pct(b.interval.high)}`, b.lift === null ? null : r3(b.lift), Number(b.qValue.toPrecision(2))]),
    });
  } else if (report.concentration.length) {
    blocks.push({ kind: 'text', markdown: 'No feature bin holds significantly more flagged rows than the rest (Benjamini–Hochberg q < 0.05): the suspected issues look spread over the data.' });
  }
  for (const w of report.warnings) blocks.push({ kind: 'text', markdown: `Note: ${w}` });
  return blocks;
}

function summary(report: LabelIssueReport): string {
  const top = report.noiseRates[0];
  const lines = [
    `**${report.flagged} of ${report.n} rows (${pct(report.flaggedShare)}, Wilson 95% ${pct(report.flaggedInterval.low)}–${pct(report.flaggedInterval.high)}) have a label that looks wrong**; confident learning estimates ${report.estimatedIssues} wrong labels in all (${report.filterBy.replace(/_/g, ' ')}).`,
    `Out-of-sample probabilities: ${report.probabilities.description}.`,
  ];
  if (top) lines.push(`Most common suspected confusion: labelled "${top.given}" but probably "${top.truth}" (about ${top.count} ${top.count === 1 ? 'row' : 'rows'}, ${pct(top.shareOfGiven)} of the "${top.given}" labels).`);
  lines.push('Check the suspected rows by hand before relabelling or dropping them: a row can also be flagged because it is unusual, not mislabelled.');
  return lines.join('\n\n');
}

/** Vega-Lite heatmap of P̂(true | given) with the cells annotated. */
export function inverseNoiseHeatmap(report: LabelIssueReport): Record<string, unknown> {
  const classes = report.classes;
  const values = classes.flatMap((given, i) => classes.map((truth, j) => ({ given, truth, share: r3(report.inverseNoiseMatrix[i]![j]!), rows: report.calibratedJoint[i]![j]! })));
  const size = Math.max(160, 36 * classes.length);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: size,
    height: size,
    data: { values },
    encoding: {
      x: { field: 'truth', type: 'nominal', sort: [...classes], title: 'probably (true label)', axis: { labelAngle: -40, labelLimit: 120 } },
      y: { field: 'given', type: 'nominal', sort: [...classes], title: 'given label', axis: { labelLimit: 120 } },
      tooltip: [{ field: 'given' }, { field: 'truth' }, { field: 'share', format: '.3f' }, { field: 'rows', title: 'estimated rows' }],
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'share', type: 'quantitative', scale: { domain: [0, 1], scheme: 'blues' }, title: 'P(true | given)' } } },
      { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'share', type: 'quantitative', format: '.2f' }, color: { condition: { test: 'datum.share > 0.6', value: 'white' }, value: 'black' } } },
    ],
  };
}
