import type { ProbeResult } from '../../../represent/probes/probes.js';

/** Vega-Lite: probe accuracy per layer (points with Wilson error bars) and the majority baseline as a rule. */
export function probeChartSpec(result: ProbeResult): Record<string, unknown> {
  const values = result.layers.map((l, i) => ({ order: i, layer: l.layer, accuracy: l.accuracy, low: l.interval.low, high: l.interval.high, baseline: l.baseline, dims: l.dims }));
  const x = { field: 'layer', type: 'nominal', sort: { field: 'order' }, title: 'layer (input → output)', axis: { labelAngle: -30, labelLimit: 220 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: Math.max(320, 60 * values.length),
    height: 260,
    data: { values },
    layer: [
      { mark: { type: 'rule', color: '#999', strokeDash: [4, 4] }, encoding: { y: { aggregate: 'max', field: 'baseline', type: 'quantitative' } } },
      { mark: { type: 'errorbar', ticks: true }, encoding: { x, y: { field: 'low', type: 'quantitative', title: 'cross-validated probe accuracy', scale: { domain: [0, 1] } }, y2: { field: 'high' } } },
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'accuracy', type: 'quantitative' }, tooltip: [{ field: 'layer' }, { field: 'accuracy', format: '.3f' }, { field: 'low', format: '.3f' }, { field: 'high', format: '.3f' }, { field: 'dims' }] } },
    ],
  };
}
