import { GlassboxError } from '../../errors.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Attribution } from '../attribution.js';
import { meanAbs } from '../attribution.js';
import { beeswarmSpec, categoryName, checkFeatureValues, FEATURE_VALUE_COLOURS, jitter, type FeatureValues } from '../charts.js';

export { beeswarmSpec, type FeatureValues } from '../charts.js';

interface InteractionsExtra {
  readonly shape: readonly number[];
  readonly values: ArrayLike<number>;
}

function interactionsOf(a: Attribution): InteractionsExtra | undefined {
  const extra = a.extras?.interactions as InteractionsExtra | undefined;
  return extra && Array.isArray(extra.shape) && extra.shape.length === 3 ? extra : undefined;
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

/**
 * Vega-Lite dependence plot (shap's dependence_plot): feature value vs its SHAP value, coloured by
 * the value of the feature it interacts with most (see strongestInteraction) unless `colorBy` is given.
 * Categorical features show their category names (on the axis, jittered within each category, or in
 * the colour legend), never their integer codes.
 */
export function dependenceSpec(a: Attribution, x: FeatureValues, feature: number, options: { colorBy?: number; maxRows?: number } = {}): Record<string, unknown> {
  checkFeatureValues(a, x);
  const [rows = 0, m = 0] = a.shape;
  if (!Number.isInteger(feature) || feature < 0 || feature >= m) throw new GlassboxError('invalid_argument', `dependenceSpec: feature ${feature} is not in 0..${m - 1}`, { argument: 'feature' });
  const colorBy = options.colorBy ?? strongestInteraction(a, feature, x);
  const step = Math.max(1, Math.ceil(rows / (options.maxRows ?? 2000)));
  const categories = x.categories?.[feature];
  const colourCategories = colorBy === undefined ? undefined : x.categories?.[colorBy];
  const values: Record<string, unknown>[] = [];
  for (let r = 0; r < rows; r += step) {
    const v = Number(x.data[r * m + feature]);
    const c = colorBy === undefined ? undefined : Number(x.data[r * m + colorBy]);
    values.push({
      value: categoryName(x, feature, v) ?? v,
      shap: a.values[r * m + feature],
      ...(categories ? { jitter: jitter(r, feature) } : {}),
      ...(c === undefined ? {} : { color: colorBy === undefined ? c : (categoryName(x, colorBy, c) ?? c) }),
    });
  }
  const name = a.featureNames[feature];
  const band = categories ? Math.max(56, Math.min(110, Math.floor(420 / Math.max(1, categories.length)))) : 0;
  const xAxis = categories
    ? { x: { field: 'value', type: 'nominal', title: name, sort: [...categories], axis: categoryAxis(categories, band) }, xOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-0.5, 0.5] } } }
    : { x: { field: 'value', type: 'quantitative', title: name } };
  const colour =
    colorBy === undefined
      ? {}
      : colourCategories
        ? { color: { field: 'color', type: 'nominal', title: a.featureNames[colorBy], sort: [...colourCategories], scale: { scheme: 'tableau10' } } }
        : { color: { field: 'color', type: 'quantitative', title: a.featureNames[colorBy], scale: { range: [...FEATURE_VALUE_COLOURS] } } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    description: `Dependence of the SHAP value of ${name} on its value${colorBy === undefined ? '' : `, coloured by ${a.featureNames[colorBy]}`}`,
    width: categories ? { step: band } : 360,
    height: 240,
    data: { values },
    mark: { type: 'circle', size: 18, opacity: 0.75 },
    encoding: { ...xAxis, y: { field: 'shap', type: 'quantitative', title: `SHAP value of ${name}` }, ...colour },
  };
}

/**
 * Report blocks for a tree-shap result: the beeswarm (unless `beeswarm: false`, for a report that
 * already shows this attribution's beeswarm) and dependence plots of the top `top` features.
 */
export function treeShapReportBlocks(a: Attribution, x: FeatureValues, options: { top?: number; beeswarm?: boolean } = {}): ReportBlock[] {
  const order = Array.from(meanAbs(a).entries()).sort((p, q) => q[1] - p[1]).slice(0, options.top ?? 3).map(([j]) => j);
  const blocks: ReportBlock[] = options.beeswarm === false ? [] : [{ kind: 'chart', caption: `${a.method}: SHAP values of every explained row (beeswarm); colour = feature value rank, blue low, red high`, spec: beeswarmSpec(a, x) }];
  for (const j of order) {
    const partner = strongestInteraction(a, j, x);
    blocks.push({ kind: 'chart', caption: `Dependence plot of ${a.featureNames[j]}${partner === undefined ? '' : `, coloured by ${a.featureNames[partner]} (strongest interaction)`}`, spec: dependenceSpec(a, x, j, partner === undefined ? {} : { colorBy: partner }) });
  }
  return blocks;
}

/** Category labels stay horizontal while they fit their band (about 6.5 px a character), otherwise slant. */
function categoryAxis(names: readonly string[], step: number): Record<string, unknown> {
  const fits = Math.max(0, ...names.map((n) => n.length)) * 6.5 <= step;
  return fits ? { labelAngle: 0, labelFontSize: 12 } : { labelAngle: -35, labelAlign: 'right', labelFontSize: 12, labelLimit: 140 };
}
