import type { ReliabilityBin } from './metrics.js';

/** One series of a reliability diagram (e.g. before and after temperature scaling). */
export interface ReliabilitySeries {
  readonly name: string;
  readonly bins: readonly ReliabilityBin[];
}

const round = (x: number | null): number | null => (x === null ? null : Number(x.toFixed(4)));

/**
 * A reliability diagram (DeGroot & Fienberg 1983; Niculescu-Mizil & Caruana 2005) as a Vega-Lite v5 spec:
 * per bin, the accuracy as a bar spanning the bin and the mean confidence as a tick, against the diagonal
 * of perfect calibration; below it, the number of rows per bin (log scale, counts printed), so that a
 * large gap in a nearly empty bin reads as what it is. Several series are drawn side by side in colour.
 */
export function reliabilityDiagram(series: readonly ReliabilitySeries[], options: { title?: string; width?: number } = {}): Record<string, unknown> {
  // several series share each bin side by side: series s draws its bar in the s-th slice of the bin's width
  const values = series.flatMap((s, index) =>
    s.bins.map((b) => {
      const slice = (b.upper - b.lower) / series.length;
      return { series: s.name, lower: round(b.lower), upper: round(b.upper), x0: round(b.lower + index * slice), x1: round(b.lower + (index + 1) * slice), middle: round(b.lower + (index + 0.5) * slice), count: b.count, accuracy: round(b.accuracy), meanConfidence: round(b.meanConfidence), gap: round(b.gap) };
    }),
  );
  const width = options.width ?? 420;
  const x = { field: 'lower', type: 'quantitative', scale: { domain: [0, 1] }, title: 'confidence (top-label probability)' };
  const color = series.length > 1 ? { color: { field: 'series', type: 'nominal', title: null, sort: series.map((s) => s.name), legend: { orient: 'top', labelLimit: 400 } } } : {};
  const tooltip = [
    { field: 'series', title: 'series' },
    { field: 'lower', title: 'from (excl.)' },
    { field: 'upper', title: 'to (incl.)' },
    { field: 'count', title: 'rows' },
    { field: 'accuracy', title: 'accuracy' },
    { field: 'meanConfidence', title: 'mean confidence' },
    { field: 'gap', title: 'confidence − accuracy' },
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    ...(options.title ? { title: options.title } : {}),
    data: { values },
    vconcat: [
      {
        width,
        height: width * 0.75,
        layer: [
          { data: { values: [{ lower: 0, y: 0 }, { lower: 1, y: 1 }] }, mark: { type: 'line', color: '#888', strokeDash: [4, 4] }, encoding: { x, y: { field: 'y', type: 'quantitative' } } },
          {
            transform: [{ filter: 'datum.count > 0' }],
            mark: { type: 'rect', opacity: 0.75, stroke: 'white', strokeWidth: 0.5, ...(series.length > 1 ? {} : { color: '#4c78a8' }) },
            encoding: { x: { ...x, field: 'x0' }, x2: { field: 'x1' }, y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy in bin' }, y2: { datum: 0 }, ...color, tooltip },
          },
          {
            transform: [{ filter: 'datum.count > 0' }],
            mark: { type: 'point', filled: true, shape: 'diamond', size: 60, stroke: 'black', strokeWidth: 0.5, ...(series.length > 1 ? {} : { color: '#e45756' }) },
            encoding: { x: { field: 'middle', type: 'quantitative' }, y: { field: 'meanConfidence', type: 'quantitative' }, ...color, tooltip },
          },
        ],
      },
      {
        width,
        height: 90,
        layer: [
          series.length > 1
            ? {
                transform: [{ filter: 'datum.count > 0' }],
                mark: { type: 'line', point: true },
                encoding: { x: { field: 'middle', type: 'quantitative', scale: { domain: [0, 1] }, title: null }, y: { field: 'count', type: 'quantitative', scale: { type: 'symlog' }, title: 'rows per bin' }, ...color, tooltip },
              }
            : {
                transform: [{ filter: 'datum.count > 0' }],
                mark: { type: 'rect', color: '#9ecae9', stroke: 'white', strokeWidth: 0.5 },
                encoding: { x: { ...x, title: null }, x2: { field: 'upper' }, y: { field: 'count', type: 'quantitative', scale: { type: 'symlog' }, title: 'rows per bin' }, y2: { datum: 0 }, tooltip },
              },
          ...(series.length > 1
            ? []
            : [
                {
                  transform: [{ filter: 'datum.count > 0' }],
                  mark: { type: 'text', dy: -6, fontSize: 9 },
                  encoding: { x: { field: 'middle', type: 'quantitative' }, y: { field: 'count', type: 'quantitative' }, text: { field: 'count' } },
                },
              ]),
        ],
      },
    ],
  };
}
