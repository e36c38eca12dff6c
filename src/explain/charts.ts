import type { RawMatrix } from '../encode/encoder.js';
import { GlassboxError } from '../errors.js';
import type { ReportBlock } from '../results/blocks.js';
import type { Attribution } from './attribution.js';
import { meanAbs } from './attribution.js';

/**
 * Report blocks for a tabular attribution: a beeswarm summary of every row (colour = the feature's
 * value rank among the rows, when `x` holds the explained rows' values) and a waterfall per explained
 * row (largest contributions first, from the base value to the output), captioned with the row's
 * 0-based data row id when `rowIds` gives it. Vega-Lite specs; the report writers render them.
 */
export function attributionBlocks(a: Attribution, x?: FeatureValues, options: { rows?: number; top?: number; rowIds?: ArrayLike<number> } = {}): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  const rows = a.shape[0] ?? 0;
  const values = x && x.nFeatures === a.featureNames.length ? x : undefined;
  if (rows > 1) blocks.push({ kind: 'chart', caption: `${a.method}: attributions of ${rows} rows (beeswarm)${values ? '; colour = feature value rank, blue low, red high' : ''}`, spec: beeswarmSpec(a, values, { maxFeatures: options.top ?? 12 }) });
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

/**
 * Raw values of the explained rows (rows × features, in the attribution's feature order). For a
 * categorical feature the value is the category's index into `categories[j]`, so charts can name it.
 */
export interface FeatureValues {
  readonly data: ArrayLike<number>;
  readonly nRows: number;
  readonly nFeatures: number;
  readonly categories?: readonly (readonly string[] | undefined)[];
}

/** The raw matrix with the category names of its categorical features (from an encoder's or schema's features). */
export function featureValues(x: RawMatrix, features: readonly { readonly type: string; readonly categories?: readonly string[] }[]): FeatureValues {
  return { ...x, categories: features.map((f) => (f.type === 'categorical' ? f.categories : undefined)) };
}

/** The category name of value `v` of feature `j`, or undefined for numeric features. */
export function categoryName(x: FeatureValues, j: number, v: number): string | undefined {
  const names = x.categories?.[j];
  return names ? (names[v] ?? String(v)) : undefined;
}

/** Throws shape_mismatch unless `x` holds one value per explained row and feature of `a`. */
export function checkFeatureValues(a: Attribution, x: FeatureValues): void {
  const [rows, m] = a.shape;
  if (x.nRows !== rows || x.nFeatures !== m || x.data.length !== x.nRows * x.nFeatures) {
    throw new GlassboxError('shape_mismatch', `chart: feature values are ${x.nRows}×${x.nFeatures} but the attribution is ${rows}×${m}`, { argument: 'featureValues', hint: 'Pass the raw values of the explained rows, one column per explained feature.' });
  }
}

/** Rank of each value within its column scaled to [0, 1] (colour scale of the beeswarm, as shap does). */
function columnRanks(x: FeatureValues, j: number): Float64Array {
  const n = x.nRows;
  const idx = Array.from({ length: n }, (_, r) => r).filter((r) => Number.isFinite(Number(x.data[r * x.nFeatures + j])));
  idx.sort((p, q) => Number(x.data[p * x.nFeatures + j]) - Number(x.data[q * x.nFeatures + j]));
  const out = new Float64Array(n).fill(Number.NaN);
  idx.forEach((r, k) => (out[r] = idx.length > 1 ? k / (idx.length - 1) : 0.5));
  return out;
}

/** Deterministic jitter in [−0.4, 0.4] from the row and feature (no RNG needed for a picture). */
export function jitter(r: number, j: number): number {
  const h = Math.imul(r + 1, 0x9e3779b1) ^ Math.imul(j + 1, 0x85ebca6b);
  return (((h >>> 8) & 0xffff) / 0xffff - 0.5) * 0.8;
}

/** The one colour scale of feature values in every beeswarm and dependence plot: low blue, high red (shap's). */
export const FEATURE_VALUE_COLOURS = ['#1E88E5', '#FF0D57'] as const;

/**
 * Vega-Lite beeswarm of attributions (shap's summary plot), the one every explainer's report uses:
 * one row per feature (top `maxFeatures` by mean |attribution|), one dot per explained row at its
 * attribution, coloured by the feature's value rank when the values are given (grey otherwise).
 */
export function beeswarmSpec(a: Attribution, x?: FeatureValues, options: { maxFeatures?: number; maxRows?: number } = {}): Record<string, unknown> {
  if (x) checkFeatureValues(a, x);
  const [rows = 0, m = 0] = a.shape;
  const order = Array.from(meanAbs(a).entries()).sort((p, q) => q[1] - p[1]).slice(0, options.maxFeatures ?? 12).map(([j]) => j);
  const step = Math.max(1, Math.ceil(rows / (options.maxRows ?? 1000)));
  const values: Record<string, unknown>[] = [];
  for (const j of order) {
    const rank = x ? columnRanks(x, j) : undefined;
    for (let r = 0; r < rows; r += step) {
      const raw = x ? Number(x.data[r * m + j]) : undefined;
      const shown = raw === undefined ? undefined : (x && categoryName(x, j, raw)) ?? raw;
      values.push({ feature: a.featureNames[j], attribution: a.values[r * m + j], ...(x ? { value: shown, rank: Number.isNaN(rank![r]!) ? null : rank![r] } : {}), jitter: jitter(r, j) });
    }
  }
  const output = a.options.output === undefined ? '' : `, ${String(a.options.output)}`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: `Attributions per feature (${a.method}${output})`,
    width: 480,
    height: { step: 28 },
    data: { values },
    mark: { type: 'circle', size: 16, opacity: 0.7, ...(x ? {} : { color: '#6e7781' }) },
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: order.map((j) => a.featureNames[j]), title: null, axis: { labelFontSize: 12, labelLimit: 220 } },
      yOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-0.5, 0.5] } },
      x: { field: 'attribution', type: 'quantitative', title: `attribution (${a.method}${output})` },
      ...(x ? { color: { field: 'rank', type: 'quantitative', title: 'feature value (rank)', scale: { range: [...FEATURE_VALUE_COLOURS] } } } : {}),
      tooltip: [{ field: 'feature' }, ...(x ? [{ field: 'value', title: 'value' }] : []), { field: 'attribution', format: '.4f' }],
    },
  };
}

export function waterfallSpec(a: Attribution, row: number, top: number): Record<string, unknown> {
  const width = a.featureNames.length;
  const contributions = Array.from({ length: width }, (_, j) => ({ feature: a.featureNames[j]!, value: a.values[row * width + j]! })).sort((p, q) => Math.abs(q.value) - Math.abs(p.value));
  const shown = contributions.slice(0, top);
  const rest = contributions.slice(top).reduce((s, c) => s + c.value, 0);
  if (contributions.length > top) shown.push({ feature: contributions.length - top === 1 ? contributions[top]!.feature : `${contributions.length - top} other features`, value: rest });
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
