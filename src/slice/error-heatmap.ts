import type { Table } from '../data/table.js';
import { GlassboxError } from '../errors.js';
import { groupByColumn } from './groupings.js';

export interface HeatmapCell {
  readonly x: string;
  readonly y: string;
  readonly n: number;
  /** Mean metric (error rate) in the cell; null when empty. */
  readonly rate: number | null;
}

export interface ErrorHeatmap {
  readonly x: string;
  readonly y?: string;
  readonly cells: readonly HeatmapCell[];
  /** Vega-Lite v5 spec with the cells inlined (rect marks, color = rate). */
  readonly spec: Readonly<Record<string, unknown>>;
}

/**
 * Error heatmap over one or two features (numeric ones binned by quantiles, default 5 bins): the mean of
 * a per-row metric per cell, like Error Analysis's heatmap view.
 */
export function errorHeatmap(table: Table, metric: Float64Array, x: string, y?: string, options: { bins?: number; metricName?: string } = {}): ErrorHeatmap {
  if (metric.length !== table.nRows) {
    throw new GlassboxError('shape_mismatch', `The metric has ${metric.length} rows, the table ${table.nRows}.`, { argument: 'metric', hint: 'Compute the per-row metric on the same rows.' });
  }
  const bins = options.bins ?? 5;
  const gx = groupByColumn(table, x, { bins });
  const gy = y ? groupByColumn(table, y, { bins }) : undefined;
  const ky = gy ? gy.labels.length : 1;
  const n = new Float64Array(gx.labels.length * ky);
  const s = new Float64Array(gx.labels.length * ky);
  for (let i = 0; i < metric.length; i++) {
    const a = gx.codes[i]!;
    const b = gy ? gy.codes[i]! : 0;
    if (a < 0 || b < 0) continue;
    n[a * ky + b]! += 1;
    s[a * ky + b]! += metric[i]!;
  }
  const cells: HeatmapCell[] = [];
  gx.labels.forEach((lx, a) => {
    for (let b = 0; b < ky; b++) cells.push({ x: lx, y: gy ? gy.labels[b]! : 'all', n: n[a * ky + b]!, rate: n[a * ky + b]! > 0 ? s[a * ky + b]! / n[a * ky + b]! : null });
  });
  const name = options.metricName ?? 'error rate';
  // Cells big enough to print the rate in (72 × 40 px), labels horizontal, the rate in white on dark cells.
  const top = Math.max(1e-12, ...cells.map((c) => c.rate ?? 0));
  const axis = { labelAngle: 0, labelFontSize: 12, titleFontSize: 13, labelLimit: 140 };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: `${name} by ${x}${y ? ` and ${y}` : ''}`, fontSize: 14 },
    data: { values: cells },
    width: { step: 72 },
    height: { step: 40 },
    encoding: {
      x: { field: 'x', type: 'ordinal', title: x, sort: gx.labels, axis },
      y: { field: 'y', type: 'ordinal', title: y ?? '', ...(gy ? { sort: gy.labels } : {}), axis },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'rate', type: 'quantitative', title: name, scale: { scheme: 'reds' } },
          tooltip: [{ field: 'x' }, { field: 'y' }, { field: 'n', type: 'quantitative' }, { field: 'rate', type: 'quantitative', format: '.3f' }],
        },
      },
      {
        transform: [{ filter: 'datum.rate !== null' }],
        mark: { type: 'text', fontSize: 12 },
        encoding: {
          text: { field: 'rate', type: 'quantitative', format: '.2f' },
          color: { condition: { test: `datum.rate > ${top / 2}`, value: 'white' }, value: '#1f2328' },
        },
      },
    ],
  };
  return { x, ...(y ? { y } : {}), cells, spec };
}
