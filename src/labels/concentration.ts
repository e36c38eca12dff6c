import { GlassboxError } from '../errors.js';
import type { RawMatrix } from '../encode/encoder.js';
import { benjaminiHochberg, twoProportionZTest, wilsonInterval } from '../math/stats/index.js';
import type { ConfidenceInterval } from '../math/stats/index.js';

/** A raw feature as the concentration routine reads it (numeric value, or category code indexing `categories`). */
export interface ConcentrationFeature {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
  readonly categories?: readonly string[];
}

/** One bin of one feature, with its share of flagged rows. */
export interface IssueConcentration {
  readonly feature: string;
  /** Readable description of the bin, e.g. `age in [25, 31)` or `workclass = Private`. */
  readonly description: string;
  /** Numeric bins: [low, high) (the last bin includes high); categorical: the category. */
  readonly low: number | null;
  readonly high: number | null;
  readonly category: string | null;
  readonly n: number;
  readonly issues: number;
  readonly rate: number;
  readonly interval: ConfidenceInterval;
  /** rate / overall rate (null when no row is flagged). */
  readonly lift: number | null;
  /** One-sided pooled two-proportion z-test: the bin's rate is above the rest's. */
  readonly pValue: number;
  /** Benjamini–Hochberg q-value over every bin of every feature. */
  readonly qValue: number;
}

export interface ConcentrationOptions {
  /** Equal-mass bins per numeric feature (default 5). */
  readonly bins?: number;
  /** Bins with fewer rows are not reported (default 20). */
  readonly minRows?: number;
  readonly level?: number;
}

/**
 * Where flagged rows concentrate: for every feature, quantile bins (numeric) or categories, each with its
 * flagged share, a Wilson interval, a one-sided two-proportion z-test against the other rows and a
 * Benjamini–Hochberg q-value over all bins tested. Sorted by q-value, then by lift. Rows with a missing
 * value are left out of that feature's bins.
 */
export function issueConcentration(raw: RawMatrix, features: readonly ConcentrationFeature[], isIssue: Uint8Array, options: ConcentrationOptions = {}): IssueConcentration[] {
  if (raw.nFeatures !== features.length) throw new GlassboxError('shape_mismatch', `issueConcentration: ${raw.nFeatures} raw columns but ${features.length} features.`, { argument: 'features' });
  if (isIssue.length !== raw.nRows) throw new GlassboxError('shape_mismatch', `issueConcentration: a mask of ${isIssue.length} rows for ${raw.nRows} rows.`, { argument: 'isIssue' });
  const bins = options.bins ?? 5;
  const minRows = options.minRows ?? 20;
  const level = options.level ?? 0.95;
  let total = 0;
  for (const v of isIssue) total += v;
  const overall = total / raw.nRows;
  const raws: Omit<IssueConcentration, 'qValue'>[] = [];
  features.forEach((feature, j) => {
    const column = Float64Array.from({ length: raw.nRows }, (_, i) => raw.data[i * raw.nFeatures + j]!);
    for (const bin of feature.type === 'categorical' ? categoryBins(column, feature) : quantileBins(column, bins, feature.name)) {
      let n = 0;
      let issues = 0;
      for (let i = 0; i < column.length; i++) {
        if (!bin.contains(column[i]!)) continue;
        n++;
        issues += isIssue[i]!;
      }
      if (n < minRows || n === raw.nRows) continue;
      const test = twoProportionZTest(issues, n, total - issues, raw.nRows - n, 'greater');
      const rate = issues / n;
      raws.push({ feature: feature.name, description: bin.description, low: bin.low, high: bin.high, category: bin.category, n, issues, rate, interval: { ...wilsonInterval(issues, n, level), method: 'wilson' }, lift: overall > 0 ? rate / overall : null, pValue: Number.isNaN(test.pValue) ? 1 : test.pValue });
    }
  });
  const q = benjaminiHochberg(raws.map((r) => r.pValue));
  return raws.map((r, t) => ({ ...r, qValue: q[t]! })).sort((a, b) => a.qValue - b.qValue || (b.lift ?? 0) - (a.lift ?? 0) || a.description.localeCompare(b.description));
}

interface Bin {
  readonly description: string;
  readonly low: number | null;
  readonly high: number | null;
  readonly category: string | null;
  contains(v: number): boolean;
}

function categoryBins(column: Float64Array, feature: ConcentrationFeature): Bin[] {
  const names = feature.categories ?? [];
  const codes = new Set<number>();
  for (const v of column) if (!Number.isNaN(v)) codes.add(v);
  return [...codes].sort((a, b) => a - b).map((code) => {
    const category = names[code] ?? String(code);
    return { description: `${feature.name} = ${category}`, low: null, high: null, category, contains: (v: number) => v === code };
  });
}

/** Equal-mass bins from the quantiles of the non-missing values; duplicate edges (ties) merge bins. */
function quantileBins(column: Float64Array, bins: number, name: string): Bin[] {
  const sorted = Float64Array.from(column.filter((v) => !Number.isNaN(v))).sort();
  if (sorted.length === 0) return [];
  const edges: number[] = [];
  for (let b = 0; b <= bins; b++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((b / bins) * sorted.length))]!;
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  const max = sorted[sorted.length - 1]!;
  if (edges[edges.length - 1]! < max) edges.push(max);
  if (edges.length === 1) return [{ description: `${name} = ${fmt(edges[0]!)}`, low: edges[0]!, high: edges[0]!, category: null, contains: (v) => v === edges[0] }];
  const out: Bin[] = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    const low = edges[b]!;
    const high = edges[b + 1]!;
    const last = b + 2 === edges.length;
    out.push({ description: `${name} in [${fmt(low)}, ${fmt(high)}${last ? ']' : ')'}`, low, high, category: null, contains: last ? (v) => v >= low && v <= high : (v) => v >= low && v < high });
  }
  return out;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();
}
