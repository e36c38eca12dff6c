import { GlassboxError, throwIfAborted } from '../errors.js';
import type { RawMatrix } from '../encode/encoder.js';
import { quantileSorted } from '../math/stats/quantile.js';
import { positiveClassIndex } from '../model/model.js';
import type { Pipeline } from '../model/pipeline.js';
import { predictRawBatched } from './predict.js';

export interface PartialDependence {
  readonly method: 'partial-dependence';
  readonly feature: string;
  readonly featureIndex: number;
  readonly kind: 'numeric' | 'categorical';
  /** Grid values (raw; category codes for categoricals) and their labels. */
  readonly grid: Float64Array;
  readonly gridLabels: readonly string[];
  /** Mean output per grid value (the PDP). */
  readonly average: Float64Array;
  /** ICE curves: rows × grid. */
  readonly ice: Float64Array;
  readonly nRows: number;
  readonly target: number;
}

/**
 * Partial dependence and individual conditional expectation (Friedman 2001; Goldstein et al. 2015;
 * scikit-learn `partial_dependence` with kind='both'): each row is evaluated with the feature set to
 * every grid value. Numeric grids are `gridSize` evenly spaced quantiles between the `percentiles`
 * (default 5%–95%; the unique values when there are fewer); categoricals use every category.
 */
export async function partialDependence(
  pipe: Pipeline,
  raw: RawMatrix,
  feature: number,
  options: { gridSize?: number; percentiles?: readonly [number, number]; target?: number; signal?: AbortSignal } = {},
): Promise<PartialDependence> {
  const spec = pipe.encoder.features[feature];
  if (!spec) throw new GlassboxError('invalid_argument', `feature index ${feature} is out of range (0..${pipe.encoder.features.length - 1})`, { argument: 'feature', hint: 'Pass a raw-feature index in schema order.' });
  const f = raw.nFeatures;
  const n = raw.nRows;
  const target = options.target ?? positiveClassIndex(pipe.model) ?? 0;
  const { grid, labels } = spec.type === 'categorical' ? categoryGrid(spec.categories ?? []) : numericGrid(raw, feature, options.gridSize ?? 20, options.percentiles ?? [0.05, 0.95]);
  const g = grid.length;
  const data = new Float64Array(n * g * f);
  for (let k = 0; k < g; k++) {
    data.set(raw.data.subarray(0, n * f), k * n * f);
    for (let i = 0; i < n; i++) data[(k * n + i) * f + feature] = grid[k]!;
  }
  throwIfAborted(options.signal);
  const out = await predictRawBatched(pipe, { data, nRows: n * g, nFeatures: f }, options.signal);
  const width = pipe.model.outputWidth;
  const ice = new Float64Array(n * g);
  const average = new Float64Array(g);
  for (let k = 0; k < g; k++) {
    for (let i = 0; i < n; i++) {
      const v = out[(k * n + i) * width + target]!;
      ice[i * g + k] = v;
      average[k]! += v / n;
    }
  }
  return { method: 'partial-dependence', feature: spec.name, featureIndex: feature, kind: spec.type, grid, gridLabels: labels, average, ice, nRows: n, target };
}

function categoryGrid(categories: readonly string[]): { grid: Float64Array; labels: string[] } {
  return { grid: Float64Array.from(categories, (_, i) => i), labels: [...categories] };
}

function numericGrid(raw: RawMatrix, feature: number, size: number, percentiles: readonly [number, number]): { grid: Float64Array; labels: string[] } {
  const values: number[] = [];
  for (let i = 0; i < raw.nRows; i++) {
    const v = raw.data[i * raw.nFeatures + feature]!;
    if (Number.isFinite(v)) values.push(v);
  }
  const sorted = Float64Array.from(values).sort();
  const unique = Float64Array.from(new Set(sorted));
  let grid: Float64Array;
  if (unique.length <= size) grid = unique;
  else {
    const [lo, hi] = percentiles;
    grid = Float64Array.from(new Set(Array.from({ length: size }, (_, k) => quantileSorted(sorted, lo + ((hi - lo) * k) / (size - 1)))));
  }
  return { grid, labels: Array.from(grid, (v) => String(Number(v.toPrecision(6)))) };
}
