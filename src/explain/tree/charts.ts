import { GlassboxError } from '../../errors.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Attribution } from '../attribution.js';
import { meanAbs } from '../attribution.js';

/** Raw values of the explained rows (rows × features, same order as the attribution's features). */
export interface FeatureValues {
  readonly data: ArrayLike<number>;
  readonly nRows: number;
  readonly nFeatures: number;
}

interface InteractionsExtra {
  readonly shape: readonly number[];
  readonly values: ArrayLike<number>;
}

function interactionsOf(a: Attribution): InteractionsExtra | undefined {
  const extra = a.extras?.interactions as InteractionsExtra | undefined;
  return extra && Array.isArray(extra.shape) && extra.shape.length === 3 ? extra : undefined;
}

function checkValues(a: Attribution, x: FeatureValues): void {
  const [rows, m] = a.shape;
  if (x.nRows !== rows || x.nFeatures !== m || x.data.length !== x.nRows * x.nFeatures) {
    throw new GlassboxError('shape_mismatch', `chart: feature values are ${x.nRows}×${x.nFeatures} but the attribution is ${rows}×${m}`, { argument: 'featureValues', hint: 'Pass the raw values of the explained rows, one column per explained feature.' });
  }
}

/**
 * The feature that interacts most with feature i: the largest mean |Φ_ij| over rows when interaction
 * values are present (tree-shap with interactions), otherwise shap's approximate_interactions heuristic:
 * sort the rows by x_i, cut them into bins of min(n/10, 50) rows, and sum over bins the |Pearson
 * correlation| of φ_i with x_j inside each bin.
 */
export function strongestInteraction(a: Attribution, i: number, x?: FeatureValues): number | undefined {
  const [rows = 0, m = 0] = a.shape;
  const inter = interactionsOf(a);
  let best: number | undefined;
  let bestScore = -1;
  const order = x ? sortedRows(x, i) : [];
  const inc = Math.max(1, Math.min(Math.floor(order.length / 10), 50));
  for (let j = 0; j < m; j++) {
    if (j === i) continue;
    let score = 0;
    if (inter) {
      for (let r = 0; r < rows; r++) score += Math.abs(Number(inter.values[r * m * m + i * m + j]));
    } else if (x) {
      for (let start = 0; start < order.length; start += inc) {
        const bin = order.slice(start, start + inc);
        score += Math.abs(correlation(bin.length, (k) => a.values[bin[k]! * m + i]!, (k) => Number(x.data[bin[k]! * m + j])));
      }
    }
    if (score > bestScore) {
      bestScore = score;
      best = j;
    }
  }
  return bestScore > 0 ? best : undefined;
}

function sortedRows(x: FeatureValues, i: number): number[] {
  const rows = Array.from({ length: x.nRows }, (_, r) => r);
  return rows.sort((p, q) => Number(x.data[p * x.nFeatures + i]) - Number(x.data[q * x.nFeatures + i]) || p - q);
}

function correlation(n: number, fa: (r: number) => number, fb: (r: number) => number): number {
  let sa = 0;
  let sb = 0;
  let count = 0;
  for (let r = 0; r < n; r++) {
    const a = fa(r);
    const b = fb(r);
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    sa += a;
    sb += b;
    count++;
  }
  if (count < 2) return 0;
  const ma = sa / count;
  const mb = sb / count;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let r = 0; r < n; r++) {
    const a = fa(r);
    const b = fb(r);
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    cov += (a - ma) * (b - mb);
    va += (a - ma) ** 2;
    vb += (b - mb) ** 2;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
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
function jitter(r: number, j: number): number {
  const h = Math.imul(r + 1, 0x9e3779b1) ^ Math.imul(j + 1, 0x85ebca6b);
  return (((h >>> 8) & 0xffff) / 0xffff - 0.5) * 0.8;
}

/**
 * Vega-Lite beeswarm of SHAP values (shap's summary plot): one row per feature (top `maxFeatures` by
 * mean |SHAP|), one dot per explained row at its SHAP value, coloured by the feature's value rank.
 */
export function beeswarmSpec(a: Attribution, x: FeatureValues, options: { maxFeatures?: number; maxRows?: number } = {}): Record<string, unknown> {
  checkValues(a, x);
  const [rows = 0, m = 0] = a.shape;
  const order = Array.from(meanAbs(a).entries()).sort((p, q) => q[1] - p[1]).slice(0, options.maxFeatures ?? 10).map(([j]) => j);
  const step = Math.max(1, Math.ceil(rows / (options.maxRows ?? 1000)));
  const values: Record<string, unknown>[] = [];
  for (const j of order) {
    const rank = columnRanks(x, j);
    for (let r = 0; r < rows; r += step) {
      values.push({ feature: a.featureNames[j], shap: a.values[r * m + j], value: Number(x.data[r * m + j]), rank: Number.isNaN(rank[r]!) ? null : rank[r], jitter: jitter(r, j) });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: `SHAP values per feature (${a.method}, output ${String(a.options.output ?? 'margin')})`,
    width: 480,
    height: { step: 28 },
    data: { values },
    mark: { type: 'circle', size: 14, opacity: 0.7 },
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: order.map((j) => a.featureNames[j]), title: null },
      yOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-0.5, 0.5] } },
      x: { field: 'shap', type: 'quantitative', title: `SHAP value (${String(a.options.output ?? 'margin')})` },
      color: { field: 'rank', type: 'quantitative', title: 'feature value (rank)', scale: { range: ['#1E88E5', '#FF0D57'] } },
      tooltip: [{ field: 'feature' }, { field: 'value', title: 'value' }, { field: 'shap', format: '.4f' }],
    },
  };
}

/**
 * Vega-Lite dependence plot (shap's dependence_plot): feature value vs its SHAP value, coloured by
 * the value of the feature it interacts with most (see strongestInteraction) unless `colorBy` is given.
 */
export function dependenceSpec(a: Attribution, x: FeatureValues, feature: number, options: { colorBy?: number; maxRows?: number } = {}): Record<string, unknown> {
  checkValues(a, x);
  const [rows = 0, m = 0] = a.shape;
  if (!Number.isInteger(feature) || feature < 0 || feature >= m) throw new GlassboxError('invalid_argument', `dependenceSpec: feature ${feature} is not in 0..${m - 1}`, { argument: 'feature' });
  const colorBy = options.colorBy ?? strongestInteraction(a, feature, x);
  const step = Math.max(1, Math.ceil(rows / (options.maxRows ?? 2000)));
  const values: Record<string, unknown>[] = [];
  for (let r = 0; r < rows; r += step) {
    values.push({ value: Number(x.data[r * m + feature]), shap: a.values[r * m + feature], ...(colorBy === undefined ? {} : { color: Number(x.data[r * m + colorBy]) }) });
  }
  const name = a.featureNames[feature];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: `Dependence of the SHAP value of ${name} on its value${colorBy === undefined ? '' : `, coloured by ${a.featureNames[colorBy]}`}`,
    width: 360,
    height: 240,
    data: { values },
    mark: { type: 'circle', size: 18, opacity: 0.75 },
    encoding: {
      x: { field: 'value', type: 'quantitative', title: name },
      y: { field: 'shap', type: 'quantitative', title: `SHAP value of ${name}` },
      ...(colorBy === undefined ? {} : { color: { field: 'color', type: 'quantitative', title: a.featureNames[colorBy], scale: { range: ['#1E88E5', '#FF0D57'] } } }),
    },
  };
}

/** Report blocks for a tree-shap result: the beeswarm and dependence plots of the top `top` features. */
export function treeShapReportBlocks(a: Attribution, x: FeatureValues, options: { top?: number } = {}): ReportBlock[] {
  const order = Array.from(meanAbs(a).entries()).sort((p, q) => q[1] - p[1]).slice(0, options.top ?? 3).map(([j]) => j);
  const blocks: ReportBlock[] = [{ kind: 'chart', caption: 'SHAP values of every explained row (beeswarm); colour = feature value rank', spec: beeswarmSpec(a, x) }];
  for (const j of order) {
    const partner = strongestInteraction(a, j, x);
    blocks.push({ kind: 'chart', caption: `Dependence plot of ${a.featureNames[j]}${partner === undefined ? '' : `, coloured by ${a.featureNames[partner]} (strongest interaction)`}`, spec: dependenceSpec(a, x, j, partner === undefined ? {} : { colorBy: partner }) });
  }
  return blocks;
}
