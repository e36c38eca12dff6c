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

/**
 * PDP over a sample of ICE curves. A numeric feature with three or more grid values is drawn as lines
 * (the PDP thick, ICE thin); a binary feature or a categorical one as points per value (the PDP as a
 * large dot labelled with its value, ICE as small dots), since nothing lies between the values.
 */
export function pdpIceBlock(pd: PartialDependence, maxIce = 50): ReportBlock {
  const g = pd.grid.length;
  const discrete = pd.kind === 'categorical' || g <= 2;
  const at = (k: number): number | string => (discrete ? pd.gridLabels[k]! : pd.grid[k]!);
  const values: { x: number | string; y: number; curve: string; kind: string; jitter: number }[] = [];
  const step = Math.max(1, Math.floor(pd.nRows / maxIce));
  for (let i = 0; i < pd.nRows; i += step) for (let k = 0; k < g; k++) values.push({ x: at(k), y: pd.ice[i * g + k]!, curve: `row ${i}`, kind: 'ICE', jitter: jitter(i, k) });
  for (let k = 0; k < g; k++) values.push({ x: at(k), y: pd.average[k]!, curve: 'PDP', kind: 'PDP', jitter: 0 });
  const spec = discrete ? discretePdpSpec(pd, values) : {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    mark: { type: 'line' },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: pd.feature },
      y: { field: 'y', type: 'quantitative', title: 'model output' },
      detail: { field: 'curve' },
      strokeWidth: { field: 'kind', type: 'nominal', scale: { domain: ['ICE', 'PDP'], range: [0.5, 3] }, legend: null },
      opacity: { field: 'kind', type: 'nominal', scale: { domain: ['ICE', 'PDP'], range: [0.3, 1] }, legend: null },
    },
    width: 360,
  };
  const how = discrete ? 'mean per value (large dots) with each row’s prediction (small dots)' : '(thick) with individual conditional expectation curves (thin)';
  return { kind: 'chart', caption: `Partial dependence of the output on ${pd.feature} ${how}`, spec };
}

/** Deterministic jitter in [−0.3, 0.3] from the row and grid value (spreads ICE dots; no RNG needed for a picture). */
function jitter(i: number, k: number): number {
  const h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b);
  return (((h >>> 8) & 0xffff) / 0xffff - 0.5) * 0.6;
}

function discretePdpSpec(pd: PartialDependence, values: readonly { x: number | string; y: number; kind: string }[]): Record<string, unknown> {
  const step = Math.max(56, Math.min(110, Math.floor(420 / Math.max(1, pd.grid.length))));
  // labels stay horizontal while they fit their band (about 6.5 px a character), otherwise slant
  const fits = Math.max(0, ...pd.gridLabels.map((l) => l.length)) * 6.5 <= step;
  const axis = fits ? { labelAngle: 0, labelFontSize: 12 } : { labelAngle: -35, labelAlign: 'right', labelFontSize: 12, labelLimit: 140 };
  const x = { field: 'x', type: 'nominal', title: pd.feature, sort: [...pd.gridLabels], axis };
  // The PDP layer sits at offset 0, in the middle of its band, like the jittered ICE dots around it.
  const y = { field: 'y', type: 'quantitative', title: 'model output' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    width: { step },
    encoding: { x, y },
    layer: [
      { transform: [{ filter: "datum.kind === 'ICE'" }], mark: { type: 'circle', size: 16, opacity: 0.3, color: '#4c78a8' }, encoding: { xOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-0.5, 0.5] } } } },
      { transform: [{ filter: "datum.kind === 'PDP'" }], mark: { type: 'circle', size: 160, opacity: 1, color: '#1f4e79' }, encoding: { xOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-0.5, 0.5] } } } },
      { transform: [{ filter: "datum.kind === 'PDP'" }], mark: { type: 'text', dx: 28, fontSize: 12, align: 'left' }, encoding: { xOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-0.5, 0.5] } }, text: { field: 'y', type: 'quantitative', format: '.3f' } } },
    ],
  };
}
