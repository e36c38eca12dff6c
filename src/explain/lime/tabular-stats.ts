import type { EncodedFeature, RawMatrix } from '../../encode/encoder.js';
import { quantileSorted } from '../../math/stats/quantile.js';

export type DiscretizerKind = 'quartile' | 'decile' | false;

/**
 * Training statistics LIME samples from (lime 0.2 `LimeTabularExplainer` + `QuartileDiscretizer` /
 * `DecileDiscretizer`): per numeric feature the percentile borders (np.unique'd), bin names, and per bin
 * the mean, std (+1e-11), min and max; per feature (category code or bin index) the sorted distinct
 * values and their training frequencies; and the scaler mean/std used without discretization.
 */
export interface TabularStats {
  readonly discretizer: DiscretizerKind;
  readonly nFeatures: number;
  /** Borders per feature; undefined for categorical (or all, without a discretizer). */
  readonly borders: readonly (Float64Array | undefined)[];
  readonly binNames: readonly (readonly string[] | undefined)[];
  readonly binMean: readonly (Float64Array | undefined)[];
  readonly binStd: readonly (Float64Array | undefined)[];
  readonly binMin: readonly (Float64Array | undefined)[];
  readonly binMax: readonly (Float64Array | undefined)[];
  /** Distinct values of the sampling representation and their cumulative frequencies. */
  readonly values: readonly Float64Array[];
  readonly cumFreq: readonly Float64Array[];
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly categorical: readonly boolean[];
}

export function tabularStats(train: RawMatrix, features: readonly EncodedFeature[], discretizer: DiscretizerKind): TabularStats {
  const f = train.nFeatures;
  const n = train.nRows;
  const percentiles = discretizer === 'decile' ? [10, 20, 30, 40, 50, 60, 70, 80, 90] : [25, 50, 75];
  const categorical = features.map((feat) => feat.type === 'categorical');
  const out = {
    borders: [] as (Float64Array | undefined)[],
    binNames: [] as (string[] | undefined)[],
    binMean: [] as (Float64Array | undefined)[],
    binStd: [] as (Float64Array | undefined)[],
    binMin: [] as (Float64Array | undefined)[],
    binMax: [] as (Float64Array | undefined)[],
    values: [] as Float64Array[],
    cumFreq: [] as Float64Array[],
    mean: new Float64Array(f),
    scale: new Float64Array(f).fill(1),
  };
  const column = new Float64Array(n);
  for (let j = 0; j < f; j++) {
    for (let i = 0; i < n; i++) column[i] = train.data[i * f + j]!;
    const discretize = discretizer !== false && !categorical[j];
    if (discretize) {
      const sorted = Float64Array.from(column).sort();
      const borders = Float64Array.from(new Set(percentiles.map((p) => quantileSorted(sorted, p / 100)))).sort();
      const bins = Float64Array.from(column, (v) => searchLeft(borders, v));
      binStats(out, j, column, bins, borders, sorted, features[j]!.name);
      pushFrequencies(out, bins);
    } else {
      out.borders[j] = out.binNames[j] = out.binMean[j] = out.binStd[j] = out.binMin[j] = out.binMax[j] = undefined;
      pushFrequencies(out, column);
      if (!categorical[j]) {
        let mean = 0;
        for (const v of column) mean += v;
        mean /= n;
        let sq = 0;
        for (const v of column) sq += (v - mean) ** 2;
        out.mean[j] = mean;
        out.scale[j] = Math.sqrt(sq / n) || 1;
      }
    }
  }
  return { discretizer, nFeatures: f, categorical, ...out };
}

type Mutable = { [K in 'borders' | 'binMean' | 'binStd' | 'binMin' | 'binMax']: (Float64Array | undefined)[] } & { binNames: (string[] | undefined)[] };

function binStats(out: Mutable, j: number, column: Float64Array, bins: Float64Array, borders: Float64Array, sorted: Float64Array, name: string): void {
  const k = borders.length;
  const names = [`${name} <= ${fmt(borders[0]!)}`];
  for (let i = 0; i < k - 1; i++) names.push(`${fmt(borders[i]!)} < ${name} <= ${fmt(borders[i + 1]!)}`);
  names.push(`${name} > ${fmt(borders[k - 1]!)}`);
  const mean = new Float64Array(k + 1);
  const std = new Float64Array(k + 1);
  const count = new Float64Array(k + 1);
  for (let i = 0; i < column.length; i++) {
    mean[bins[i]!]! += column[i]!;
    count[bins[i]!]! += 1;
  }
  for (let b = 0; b <= k; b++) mean[b] = count[b]! > 0 ? mean[b]! / count[b]! : 0;
  for (let i = 0; i < column.length; i++) std[bins[i]!]! += (column[i]! - mean[bins[i]!]!) ** 2;
  for (let b = 0; b <= k; b++) std[b] = (count[b]! > 0 ? Math.sqrt(std[b]! / count[b]!) : 0) + 1e-11;
  out.borders[j] = borders;
  out.binNames[j] = names;
  out.binMean[j] = mean;
  out.binStd[j] = std;
  out.binMin[j] = Float64Array.from([sorted[0]!, ...borders]);
  out.binMax[j] = Float64Array.from([...borders, sorted[sorted.length - 1]!]);
}

function pushFrequencies(out: { values: Float64Array[]; cumFreq: Float64Array[] }, column: Float64Array): void {
  const counts = new Map<number, number>();
  for (const v of column) counts.set(v, (counts.get(v) ?? 0) + 1);
  const values = Float64Array.from(counts.keys()).sort();
  const cum = new Float64Array(values.length);
  let acc = 0;
  values.forEach((v, i) => (cum[i] = acc += counts.get(v)! / column.length));
  out.values.push(values);
  out.cumFreq.push(cum);
}

/** np.searchsorted(borders, v, side='left'): the bin index of v. */
export function searchLeft(borders: Float64Array, v: number): number {
  let lo = 0;
  let hi = borders.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (borders[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Python's '%.2f'. */
function fmt(v: number): string {
  return v.toFixed(2);
}

/** A draw from the training frequencies (np.random.choice(values, p=freqs)). */
export function drawValue(stats: TabularStats, j: number, u: number): number {
  const cum = stats.cumFreq[j]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < cum[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return stats.values[j]![lo]!;
}
