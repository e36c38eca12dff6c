import type { VisualizationSpec } from 'vega-embed';

/** Vega-Lite specs the views draw; data in, spec out, nothing computed but layout. */

const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', config: { font: 'system-ui, sans-serif', view: { stroke: null } } } as const;

/** Attributions of the original and the edited row side by side, one bar pair per feature, largest first. */
export function attributionChart(rows: readonly { feature: string; version: string; value: number }[], method: string, order: readonly string[]): VisualizationSpec {
  return {
    ...base,
    width: 320,
    height: { step: 11 },
    title: { text: `Attributions (${method})`, fontSize: 12 },
    data: { values: rows as never },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: order as string[], title: null },
      yOffset: { field: 'version', sort: ['original', 'edited'] },
      x: { field: 'value', type: 'quantitative', title: 'contribution to the output' },
      color: { field: 'version', type: 'nominal', sort: ['original', 'edited'], scale: { range: ['#9fb6cd', '#1f5fa8'] }, legend: { orient: 'bottom', title: null } },
    },
  } as VisualizationSpec;
}

const order = (version: string): number => (version === 'original' ? 0 : version === 'edited' ? 1 : 2);

/** ICE curves of one feature: the original and the edited row (and the PDP), with the rows' current values marked. */
export function iceChart(points: readonly { value: number | string; output: number; version: string }[], marks: readonly { value: number | string; output: number; version: string }[], feature: string, numeric: boolean, outputTitle: string): VisualizationSpec {
  const x = { field: 'value', type: numeric ? 'quantitative' : 'nominal', title: feature } as const;
  const versions = [...new Set(points.map((p) => p.version))].sort((a, b) => order(a) - order(b));
  const colour = { field: 'version', type: 'nominal', sort: versions, scale: { domain: versions, range: versions.map((v) => (v === 'original' ? '#7f9cbf' : v === 'edited' ? '#1f5fa8' : '#b9bec7')) }, legend: { orient: 'bottom', title: null, direction: 'vertical' } } as const;
  return {
    ...base,
    width: 320,
    height: 180,
    title: { text: `ICE: ${feature}`, fontSize: 12 },
    layer: [
      { data: { values: points as never }, mark: { type: 'line', point: !numeric }, encoding: { x, y: { field: 'output', type: 'quantitative', title: outputTitle, scale: { domain: [0, 1] } }, color: colour } },
      { data: { values: marks as never }, mark: { type: 'point', filled: true, size: 70, tooltip: true }, encoding: { x, y: { field: 'output', type: 'quantitative' }, color: colour } },
    ],
  } as VisualizationSpec;
}

/** One rate per group with its interval (error bars), for the fairness view. */
export function groupRateChart(rows: readonly { group: string; metric: string; value: number; low: number | null; high: number | null }[]): VisualizationSpec {
  return {
    ...base,
    data: { values: rows as never },
    facet: { column: { field: 'metric', type: 'nominal', title: null } },
    spec: {
      width: 180,
      height: { step: 18 },
      layer: [
        { mark: { type: 'bar', tooltip: true }, encoding: { y: { field: 'group', type: 'nominal', title: null }, x: { field: 'value', type: 'quantitative', scale: { domain: [0, 1] }, title: null }, color: { field: 'group', type: 'nominal', legend: null } } },
        { mark: { type: 'rule' }, encoding: { y: { field: 'group', type: 'nominal' }, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      ],
    },
  } as VisualizationSpec;
}
