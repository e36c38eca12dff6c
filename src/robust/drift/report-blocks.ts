import type { ReportBlock } from '../../results/blocks.js';
import type { DomainBenchmark } from './domain-benchmark.js';
import type { FeatureDrift } from './feature-drift.js';
import type { PerformanceDrift } from './performance-drift.js';
import type { PredictionDrift } from './prediction-drift.js';
import { proportions } from './binning.js';

const num = (x: number | null | undefined, digits = 4): string | null => (x === null || x === undefined || Number.isNaN(x) ? null : Number(x.toPrecision(digits)).toString());
const p = (x: number): string | null => (Number.isNaN(x) ? null : x < 1e-4 ? x.toExponential(1) : x.toFixed(4));
const ci = (i: { low: number; high: number }): string => `${i.low.toFixed(3)} – ${i.high.toFixed(3)}`;

/** One row per feature: test, statistic, p, q, effect sizes and the verdict. */
export function featureDriftTable(features: readonly FeatureDrift[], caption: string): ReportBlock {
  return {
    kind: 'table',
    caption,
    columns: ['feature', 'test', 'statistic', 'p', 'q (BH)', 'PSI', 'Wasserstein-1', 'Jensen–Shannon', 'drift'],
    rows: features.map((f) => [f.feature, f.test === 'ks' ? `KS (${f.method})` : `χ² (df ${f.df})`, num(f.statistic), p(f.pValue), p(f.qValue), num(f.psi, 3), num(f.wasserstein, 3), num(f.jensenShannon, 3), f.drift ? 'yes' : 'no']),
  };
}

/**
 * Reference and current histograms of one feature on its drift bins (reference deciles or categories), as
 * side-by-side bars of proportions (Vega-Lite).
 */
export function histogramComparison(f: FeatureDrift, labels: { reference: string; current: string } = { reference: 'reference', current: 'current' }): ReportBlock {
  const r = proportions(f.bins.reference);
  const c = proportions(f.bins.current);
  const values = f.bins.labels.flatMap((bin, b) => [
    { bin, order: b, sample: labels.reference, share: r[b]! },
    { bin, order: b, sample: labels.current, share: c[b]! },
  ]);
  const binning = f.kind === 'numeric' ? 'bins at the reference deciles' : 'categories';
  return {
    kind: 'chart',
    caption: `${f.feature}: share of rows per bin (${binning}); PSI ${num(f.psi, 3)}, Jensen–Shannon ${num(f.jensenShannon, 3)}${f.wasserstein === null ? '' : `, Wasserstein-1 ${num(f.wasserstein, 3)}`}, q ${p(f.qValue)}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values },
      mark: 'bar',
      encoding: {
        x: { field: 'bin', type: 'nominal', sort: { field: 'order' }, title: f.feature, axis: { labelAngle: -30 } },
        xOffset: { field: 'sample', type: 'nominal', sort: [labels.reference, labels.current] },
        y: { field: 'share', type: 'quantitative', title: 'share of rows', axis: { format: '%' } },
        color: { field: 'sample', type: 'nominal', sort: [labels.reference, labels.current], scale: { range: ['#8da0cb', '#fc8d62'] }, title: null },
        tooltip: [{ field: 'sample' }, { field: 'bin' }, { field: 'share', format: '.1%' }],
      },
      width: 420,
      height: 160,
    },
  };
}

export function predictionDriftTable(d: PredictionDrift): ReportBlock {
  return featureDriftTable([...d.scores, ...(d.predictedClass ? [d.predictedClass] : [])], `Prediction drift: the model's outputs on reference vs current rows (BH over these ${d.scores.length + (d.predictedClass ? 1 : 0)} tests, FDR ${d.fdr})`);
}

export function performanceDriftTable(d: PerformanceDrift): ReportBlock {
  return {
    kind: 'table',
    caption: `Performance drift: accuracy on labelled rows (Wilson intervals; difference with ${d.interval.method} interval, ${Math.round(d.interval.level * 100)}%)`,
    columns: ['sample', 'n', 'accuracy', 'interval'],
    rows: [
      ['reference', d.reference.n, num(d.reference.accuracy), ci(d.reference.interval)],
      ['current', d.current.n, num(d.current.accuracy), ci(d.current.interval)],
      ['current − reference', null, num(d.difference), ci(d.interval)],
    ],
  };
}

export function domainBenchmarkBlocks(b: DomainBenchmark): ReportBlock[] {
  const rows = b.domains.map((d) => [d.domain, d.n, num(d.accuracy), ci(d.interval), d.ranked ? (b.worst?.domain === d.domain ? 'worst' : '') : `n < ${b.minDomainSize}: not ranked`]);
  const blocks: ReportBlock[] = [
    { kind: 'table', caption: `Accuracy per domain of ${b.column} (${b.how}; Wilson intervals)`, columns: ['domain', 'n', 'accuracy', 'interval', ''], rows: [...rows, ['pooled', b.pooled.n, num(b.pooled.accuracy), ci(b.pooled.interval), '']] },
  ];
  if (b.worst && b.gapToPooled) {
    blocks.push({ kind: 'text', markdown: `Worst-domain accuracy (WILDS-style): **${num(b.worst.accuracy)}** on ${b.column} = ${b.worst.domain} (n = ${b.worst.n}), ${num(b.gapToPooled.value)} below the pooled ${num(b.pooled.accuracy)} (interval ${ci(b.gapToPooled.interval)}, ${b.gapToPooled.interval.method}).` });
  }
  blocks.push({
    kind: 'chart',
    caption: `Accuracy per domain of ${b.column} with Wilson intervals; the rule marks the pooled accuracy`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values: b.domains.map((d) => ({ domain: d.domain, accuracy: d.accuracy, low: d.interval.low, high: d.interval.high, n: d.n })) },
      layer: [
        { mark: { type: 'rule' }, encoding: { y: { field: 'domain', type: 'nominal', sort: '-x', title: b.column }, x: { field: 'low', type: 'quantitative', title: 'accuracy', scale: { zero: false } }, x2: { field: 'high' } } },
        { mark: { type: 'point', filled: true, size: 60 }, encoding: { y: { field: 'domain', type: 'nominal', sort: '-x' }, x: { field: 'accuracy', type: 'quantitative' }, tooltip: [{ field: 'domain' }, { field: 'n' }, { field: 'accuracy', format: '.3f' }] } },
        { data: { values: [{ pooled: b.pooled.accuracy }] }, mark: { type: 'rule', strokeDash: [4, 3], color: 'grey' }, encoding: { x: { field: 'pooled', type: 'quantitative' } } },
      ],
      width: 420,
    },
  });
  return blocks;
}
