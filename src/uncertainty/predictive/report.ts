import type { ReportBlock } from '../../results/blocks.js';
import type { UncertaintyVsErrors } from './error-detection.js';
import type { PredictiveSummaries } from './summaries.js';

const round = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : Math.round(v * 1e4) / 1e4);

/**
 * Report blocks for predictive uncertainty: the summary (and its relation to errors when labels are
 * known), a histogram of mutual information split by right/wrong predictions, and the most uncertain rows.
 */
export function predictiveReportBlocks(s: PredictiveSummaries, options: { method: string; rowIds: ArrayLike<number>; classes: readonly string[]; labels?: ArrayLike<number>; errors?: UncertaintyVsErrors; top?: number }): ReportBlock[] {
  const mean = (v: Float64Array): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const rows: (string | number | null)[][] = [
    ['rows', s.rows],
    ['samples (members, passes or posterior draws)', s.samples],
    ['mean predictive entropy (nats)', round(mean(s.entropy))],
    ['mean expected entropy — aleatoric (nats)', round(mean(s.expectedEntropy))],
    ['mean mutual information — epistemic (nats)', round(mean(s.mutualInformation))],
    [`mean variance of the ${s.varianceOf === 'positive-class' ? 'positive' : 'predicted'} class`, round(mean(s.variance))],
  ];
  const e = options.errors;
  if (e) {
    rows.push(['accuracy of the mean prediction', round(e.accuracy)], ['mean entropy on correct rows', round(e.meanEntropyCorrect)], ['mean entropy on wrong rows', round(e.meanEntropyWrong)], ['AUROC of entropy for finding errors', round(e.errorAurocEntropy)], ['AUROC of mutual information for finding errors', round(e.errorAurocMutualInformation)]);
  }
  const blocks: ReportBlock[] = [{ kind: 'table', caption: `Predictive uncertainty (${options.method})`, columns: ['quantity', 'value'], rows }];
  const values = Array.from(s.mutualInformation, (mi, i) => ({ mutualInformation: mi, outcome: options.labels ? (options.labels[i]! < 0 ? 'unlabelled' : options.labels[i] === s.predicted[i] ? 'correct' : 'wrong') : 'all rows' }));
  blocks.push({
    kind: 'chart',
    caption: 'Distribution of mutual information (epistemic uncertainty) over the rows of each group: right and wrong mean predictions, each normalised to its own row count',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values },
      transform: [
        { bin: { maxbins: 30 }, field: 'mutualInformation', as: 'bin' },
        { aggregate: [{ op: 'count', as: 'count' }], groupby: ['bin', 'outcome'] },
        { joinaggregate: [{ op: 'sum', field: 'count', as: 'total' }], groupby: ['outcome'] },
        { calculate: 'datum.count / datum.total', as: 'share' },
      ],
      mark: { type: 'line', interpolate: 'step-after', point: true },
      encoding: {
        x: { field: 'bin', type: 'quantitative', title: 'mutual information (nats), binned' },
        y: { field: 'share', type: 'quantitative', title: 'share of the group\'s rows', axis: { format: '%' } },
        color: { field: 'outcome', type: 'nominal' },
      },
      width: 480,
      height: 200,
    },
  });
  const top = Array.from({ length: s.rows }, (_, i) => i).sort((a, b) => s.mutualInformation[b]! - s.mutualInformation[a]! || a - b).slice(0, options.top ?? 10);
  blocks.push({
    kind: 'table',
    caption: 'Rows with the highest mutual information (rowIds are 0-based data rows)',
    columns: ['rowId', 'predicted', ...(options.labels ? ['label'] : []), 'mean p(predicted)', 'entropy', 'mutual information'],
    rows: top.map((i) => [options.rowIds[i]!, options.classes[s.predicted[i]!] ?? s.predicted[i]!, ...(options.labels ? [options.labels[i]! < 0 ? null : (options.classes[options.labels[i]!] ?? options.labels[i]!)] : []), round(s.mean[i * s.classes + s.predicted[i]!]!), round(s.entropy[i]!), round(s.mutualInformation[i]!)]),
  });
  return blocks;
}
