import type { ReportBlock } from '../results/blocks.js';
import type { PartialDependence } from './partial-dependence.js';
import type { PermutationImportance } from './permutation-importance.js';

/** Bar chart of permutation importances with ± std error bars. */
export function importanceBlock(p: PermutationImportance, top = 15): ReportBlock {
  const values = p.featureNames.map((feature, j) => ({ feature, drop: p.importances[j]!, low: p.importances[j]! - p.std[j]!, high: p.importances[j]! + p.std[j]! })).sort((a, b) => b.drop - a.drop).slice(0, top);
  return {
    kind: 'chart',
    caption: `Permutation importance: drop in ${p.metric} when a feature is shuffled (${p.repeats} repeats, ± std; baseline ${p.baseline.toFixed(4)})`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values },
      layer: [
        { mark: 'bar', encoding: { y: { field: 'feature', type: 'nominal', sort: null, title: null }, x: { field: 'drop', type: 'quantitative', title: `drop in ${p.metric}` } } },
        { mark: { type: 'rule' }, encoding: { y: { field: 'feature', type: 'nominal', sort: null }, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      ],
      width: 480,
    },
  };
}

/** PDP (thick line) over a sample of ICE curves (thin lines). */
export function pdpIceBlock(pd: PartialDependence, maxIce = 50): ReportBlock {
  const g = pd.grid.length;
  const values: { x: number | string; y: number; curve: string; kind: string }[] = [];
  const step = Math.max(1, Math.floor(pd.nRows / maxIce));
  for (let i = 0; i < pd.nRows; i += step) for (let k = 0; k < g; k++) values.push({ x: pd.kind === 'numeric' ? pd.grid[k]! : pd.gridLabels[k]!, y: pd.ice[i * g + k]!, curve: `row ${i}`, kind: 'ICE' });
  for (let k = 0; k < g; k++) values.push({ x: pd.kind === 'numeric' ? pd.grid[k]! : pd.gridLabels[k]!, y: pd.average[k]!, curve: 'PDP', kind: 'PDP' });
  return {
    kind: 'chart',
    caption: `Partial dependence of the output on ${pd.feature} (thick) with individual conditional expectation curves (thin)`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values },
      mark: { type: 'line', point: pd.kind === 'categorical' },
      encoding: {
        x: { field: 'x', type: pd.kind === 'numeric' ? 'quantitative' : 'nominal', title: pd.feature },
        y: { field: 'y', type: 'quantitative', title: 'model output' },
        detail: { field: 'curve' },
        strokeWidth: { field: 'kind', type: 'nominal', scale: { domain: ['ICE', 'PDP'], range: [0.5, 3] }, legend: null },
        opacity: { field: 'kind', type: 'nominal', scale: { domain: ['ICE', 'PDP'], range: [0.3, 1] }, legend: null },
      },
      width: 360,
    },
  };
}
