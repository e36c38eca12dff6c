import type { RawMatrix } from '../encode/encoder.js';
import type { ReportBlock } from '../results/blocks.js';
import type { Attribution } from './attribution.js';
import { meanAbs } from './attribution.js';

/**
 * Report blocks for a tabular attribution: a beeswarm summary of every row (colour = the feature's
 * value rank among the rows) and a waterfall per explained row (largest contributions first, from the
 * base value to the output), captioned with the row's 0-based data row id when `rowIds` gives it. Vega-Lite specs; the report writers render them.
 */
export function attributionBlocks(a: Attribution, x?: RawMatrix, options: { rows?: number; top?: number; rowIds?: ArrayLike<number> } = {}): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  const rows = a.shape[0] ?? 0;
  if (rows > 1) blocks.push({ kind: 'chart', caption: `${a.method}: attributions of ${rows} rows (beeswarm); colour = feature value rank`, spec: beeswarmSpec(a, x, options.top ?? 12) });
  for (let r = 0; r < Math.min(rows, options.rows ?? 1); r++) blocks.push({ kind: 'chart', caption: `${a.method}: ${rowName(r, options.rowIds)}, from the base value ${fmt(a.baseValues[r]!)} to the output ${fmt(a.outputs[r]!)}`, spec: waterfallSpec(a, r, options.top ?? 12) });
  return blocks;
}

/** "data row 408" (0-based, header excluded) when the rows' ids are known; else the position among the explained rows. */
function rowName(r: number, rowIds: ArrayLike<number> | undefined): string {
  return rowIds && rowIds[r] !== undefined ? `data row ${rowIds[r]}` : `explained row ${r}`;
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}

export function beeswarmSpec(a: Attribution, x: RawMatrix | undefined, top: number): Record<string, unknown> {
  const width = a.featureNames.length;
  const rows = a.shape[0] ?? 0;
  const order = Array.from(meanAbs(a).entries()).sort((p, q) => q[1] - p[1]).slice(0, top).map(([j]) => j);
  const values: { feature: string; value: number; rank: number }[] = [];
  for (const j of order) {
    const column = x && x.nFeatures === width ? Array.from({ length: rows }, (_, r) => x.data[r * width + j]!) : undefined;
    const sorted = column ? [...column].sort((p, q) => p - q) : undefined;
    for (let r = 0; r < rows; r++) values.push({ feature: a.featureNames[j]!, value: a.values[r * width + j]!, rank: sorted && column ? sorted.indexOf(column[r]!) / Math.max(1, rows - 1) : 0.5 });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    mark: { type: 'circle', size: 18, opacity: 0.7 },
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: order.map((j) => a.featureNames[j]), title: null },
      yOffset: { field: 'rank', type: 'quantitative' },
      x: { field: 'value', type: 'quantitative', title: 'attribution' },
      color: { field: 'rank', type: 'quantitative', scale: { scheme: 'blueorange' }, title: 'value rank' },
    },
    width: 480,
  };
}

export function waterfallSpec(a: Attribution, row: number, top: number): Record<string, unknown> {
  const width = a.featureNames.length;
  const contributions = Array.from({ length: width }, (_, j) => ({ feature: a.featureNames[j]!, value: a.values[row * width + j]! })).sort((p, q) => Math.abs(q.value) - Math.abs(p.value));
  const shown = contributions.slice(0, top);
  const rest = contributions.slice(top).reduce((s, c) => s + c.value, 0);
  if (contributions.length > top) shown.push({ feature: `${contributions.length - top} other features`, value: rest });
  let running = a.baseValues[row]!;
  const values = shown.map((c) => {
    const start = running;
    running += c.value;
    return { feature: c.feature, start, end: running, sign: c.value >= 0 ? 'raises' : 'lowers' };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: null, title: null },
      x: { field: 'start', type: 'quantitative', title: 'model output', scale: { zero: false } },
      x2: { field: 'end' },
      color: { field: 'sign', type: 'nominal', scale: { domain: ['raises', 'lowers'], range: ['#d62728', '#1f77b4'] } },
    },
    width: 480,
  };
}
