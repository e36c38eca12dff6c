import type { MitigationMetrics } from '../../../fairness/mitigation-metrics.js';
import type { ReportBlock } from '../../../results/blocks.js';

export type GapMetric = 'fprDifference' | 'tprDifference' | 'selectionRateDifference';

/** One point of a trade-off curve: a setting (λ or a bound) and the held-out metrics it gave. */
export interface TradeoffPoint {
  readonly setting: number;
  readonly metrics: MitigationMetrics;
}

const GAP_TITLE: Record<GapMetric, string> = { fprDifference: 'FPR difference (max − min)', tprDifference: 'TPR difference (max − min)', selectionRateDifference: 'selection-rate difference (max − min)' };

/** The curve in JSON: per setting, the four held-out numbers and the gap's interval. */
export function tradeoffJson(points: readonly TradeoffPoint[], settingName: string, gap: GapMetric): Record<string, unknown>[] {
  return points.map((p) => ({
    [settingName]: p.setting,
    accuracy: p.metrics.accuracy,
    fprDifference: p.metrics.fprDifference,
    tprDifference: p.metrics.tprDifference,
    selectionRateDifference: p.metrics.selectionRateDifference,
    intervals: { accuracy: p.metrics.intervals.accuracy, [gap]: p.metrics.intervals[gap] },
  }));
}

/**
 * Accuracy against the gap on the held-out rows, one point per setting (joined in setting order) and the
 * model before mitigation, with the gap's interval as a horizontal bar: a Vega-Lite chart and its table.
 */
export function tradeoffBlocks(points: readonly TradeoffPoint[], before: MitigationMetrics, settingLabel: string, gap: GapMetric): ReportBlock[] {
  const row = (label: string, m: MitigationMetrics, order: number): Record<string, unknown> => ({ label, order, accuracy: m.accuracy, gap: m[gap], low: m.intervals[gap].low, high: m.intervals[gap].high });
  const values = [row('before', before, -1), ...points.map((p, k) => row(`${settingLabel} = ${p.setting}`, p.metrics, k))];
  const x = { field: 'gap', type: 'quantitative', title: `${GAP_TITLE[gap]}, held-out` };
  const y = { field: 'accuracy', type: 'quantitative', title: 'held-out accuracy', scale: { zero: false } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    width: 440,
    height: 260,
    layer: [
      { transform: [{ filter: 'datum.order >= 0' }], mark: { type: 'line', color: '#888' }, encoding: { x, y, order: { field: 'order' } } },
      { mark: { type: 'rule', opacity: 0.35 }, encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' }, y: { field: 'accuracy', type: 'quantitative' } } },
      { mark: { type: 'point', filled: true, size: 70 }, encoding: { x, y, color: { condition: { test: 'datum.order < 0', value: '#d62728' }, value: '#1f77b4' }, tooltip: [{ field: 'label' }, { field: 'accuracy', format: '.3f' }, { field: 'gap', format: '.3f' }] } },
      { mark: { type: 'text', dx: 6, dy: -8, align: 'left', fontSize: 10 }, encoding: { x, y, text: { field: 'label' } } },
    ],
  };
  const f = (v: number | null): string => (v === null || Number.isNaN(v) ? '—' : v.toFixed(3));
  return [
    { kind: 'chart', caption: `Trade-off over ${settingLabel}: held-out accuracy against the ${GAP_TITLE[gap]} (red: before; bars: the gap's 95% interval)`, spec },
    {
      kind: 'table',
      caption: `Trade-off over ${settingLabel} (held-out rows)`,
      columns: [settingLabel, 'accuracy', 'FPR diff', 'TPR diff', 'selection diff', `${gap === 'fprDifference' ? 'FPR' : gap === 'tprDifference' ? 'TPR' : 'selection'} diff 95% CI`],
      rows: [['before', f(before.accuracy), f(before.fprDifference), f(before.tprDifference), f(before.selectionRateDifference), `${f(before.intervals[gap].low)}–${f(before.intervals[gap].high)}`], ...points.map((p) => [String(p.setting), f(p.metrics.accuracy), f(p.metrics.fprDifference), f(p.metrics.tprDifference), f(p.metrics.selectionRateDifference), `${f(p.metrics.intervals[gap].low)}–${f(p.metrics.intervals[gap].high)}`])],
    },
  ];
}
