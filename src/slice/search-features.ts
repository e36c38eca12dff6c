import { GlassboxError } from '../errors.js';
import { findColumn } from '../data/table.js';
import type { Table } from '../data/table.js';
import type { Predicate } from '../data/predicate.js';
import { formatEdge } from './binning.js';
import { groupByColumn } from './groupings.js';

/** A feature prepared for slice search: a small integer code per row (-1 = missing). */
export interface SearchFeature {
  readonly name: string;
  readonly kind: 'categorical' | 'numeric';
  readonly codes: Int32Array;
  readonly labels: readonly string[];
  /** Numeric features: inner bin edges (bins = edges.length + 1). */
  readonly edges?: readonly number[];
  /** Numeric features: the raw values (NaN = missing), for refining range boundaries between bin edges. */
  readonly values?: Float64Array;
}

/**
 * One condition of a slice: code in [lo, hi] on feature `feature` (categorical: lo = hi). A refined numeric
 * range also carries value bounds `low ≤ x < high` (±Infinity when open) lying inside bins lo..hi.
 */
export interface Condition {
  readonly feature: number;
  readonly lo: number;
  readonly hi: number;
  readonly low?: number;
  readonly high?: number;
}

/** The value interval [low, high) of a numeric condition (±Infinity when open-ended). */
export function conditionBounds(feature: SearchFeature, c: Condition): [number, number] {
  if (c.low !== undefined && c.high !== undefined) return [c.low, c.high];
  const edges = feature.edges ?? [];
  return [c.lo > 0 ? edges[c.lo - 1]! : -Infinity, c.hi < edges.length ? edges[c.hi]! : Infinity];
}

/** True when row i satisfies the condition. */
export function conditionHolds(feature: SearchFeature, c: Condition, i: number): boolean {
  const code = feature.codes[i]!;
  if (code < c.lo || code > c.hi) return false;
  if (c.low === undefined || c.high === undefined) return true;
  const v = feature.values![i]!;
  return v >= c.low && v < c.high;
}

export interface FeatureOptions {
  /** Quantile bins per numeric column (default 10). */
  readonly bins?: number;
  /** Explicit edges per numeric column. */
  readonly edges?: Readonly<Record<string, readonly number[]>>;
}

/** Bins numeric columns (quantiles or given edges) and keeps categorical codes. Text columns are refused. */
export function prepareFeatures(table: Table, columns: readonly string[], options: FeatureOptions = {}): SearchFeature[] {
  return columns.map((name) => {
    const column = findColumn(table, name);
    if (column?.kind === 'text') {
      throw new GlassboxError('invalid_argument', `Column "${name}" is free text; slice search needs numeric or categorical columns.`, { column: name, argument: 'features', hint: 'Leave text columns out of --features.' });
    }
    const edges = options.edges?.[name];
    const g = groupByColumn(table, name, { bins: options.bins ?? 10, ...(edges ? { edges } : {}) });
    const values = column!.kind === 'numeric' ? column!.values : undefined;
    return { name, kind: values ? 'numeric' : 'categorical', codes: g.codes, labels: g.labels, ...(g.edges ? { edges: g.edges } : {}), ...(values ? { values } : {}) };
  });
}

/** The predicates of a condition: "==" for categories; ">=" / "<" bounds for a numeric bin range. */
export function conditionPredicates(feature: SearchFeature, c: Condition): Predicate[] {
  if (feature.kind === 'categorical') return [{ feature: feature.name, op: '==', value: feature.labels[c.lo] ?? String(c.lo) }];
  const [low, high] = conditionBounds(feature, c);
  const out: Predicate[] = [];
  if (low > -Infinity) out.push({ feature: feature.name, op: '>=', value: low });
  if (high < Infinity) out.push({ feature: feature.name, op: '<', value: high });
  return out;
}

/** Human-readable condition, e.g. "age in [25, 40)" or "employment == self_employed". */
export function describeCondition(feature: SearchFeature, c: Condition): string {
  if (feature.kind === 'categorical') return `${feature.name} == ${feature.labels[c.lo]}`;
  const [low, high] = conditionBounds(feature, c);
  if (low === -Infinity) return `${feature.name} < ${formatEdge(high)}`;
  if (high === Infinity) return `${feature.name} >= ${formatEdge(low)}`;
  return `${feature.name} in [${formatEdge(low)}, ${formatEdge(high)})`;
}

/** Rows (from `rows`, or all) satisfying every condition. */
export function filterRows(features: readonly SearchFeature[], conditions: readonly Condition[], n: number, rows?: Int32Array): Int32Array {
  const out: number[] = [];
  const m = rows ? rows.length : n;
  for (let k = 0; k < m; k++) {
    const i = rows ? rows[k]! : k;
    let ok = true;
    for (const c of conditions) {
      if (!conditionHolds(features[c.feature]!, c, i)) {
        ok = false;
        break;
      }
    }
    if (ok) out.push(i);
  }
  return Int32Array.from(out);
}

/** True when every row satisfying `specific` also satisfies `general` (checked on the bin conditions). */
export function impliesConditions(specific: readonly Condition[], general: readonly Condition[]): boolean {
  return general.every((g) => specific.some((s) => s.feature === g.feature && s.lo >= g.lo && s.hi <= g.hi && (g.low === undefined || (s.low !== undefined && s.low >= g.low && s.high! <= g.high!))));
}

export function conditionKey(conditions: readonly Condition[]): string {
  return [...conditions].sort((a, b) => a.feature - b.feature).map((c) => `${c.feature}:${c.lo}-${c.hi}${c.low === undefined ? '' : `[${c.low},${c.high})`}`).join('&');
}

/** Row lists per (feature, code), for fetching the rows of a conjunction without scanning every row. */
export type RowIndex = readonly (readonly Int32Array[])[];

export function buildRowIndex(features: readonly SearchFeature[]): RowIndex {
  return features.map((f) => {
    const counts = new Int32Array(f.labels.length);
    for (const c of f.codes) if (c >= 0) counts[c]!++;
    const lists = Array.from(counts, (k) => new Int32Array(k));
    const fill = new Int32Array(f.labels.length);
    f.codes.forEach((c, i) => {
      if (c >= 0) lists[c]![fill[c]!++] = i;
    });
    return lists;
  });
}

/**
 * Rows satisfying every condition, walking the row lists of the most selective condition: ascending, or
 * in bin order with `sorted = false` (for sums, where the order does not matter).
 */
export function conjunctionRows(features: readonly SearchFeature[], index: RowIndex, conditions: readonly Condition[], sorted = true): Int32Array {
  let best = conditions[0]!;
  let bestCount = Infinity;
  for (const c of conditions) {
    let count = 0;
    for (let b = c.lo; b <= c.hi; b++) count += index[c.feature]![b]!.length;
    if (count < bestCount) {
      bestCount = count;
      best = c;
    }
  }
  const out = new Int32Array(bestCount);
  let m = 0;
  for (let b = best.lo; b <= best.hi; b++) {
    for (const i of index[best.feature]![b]!) {
      let ok = true;
      for (const c of conditions) {
        if (c === best && c.low === undefined) continue; // its row lists already hold exactly its bins
        if (!conditionHolds(features[c.feature]!, c, i)) {
          ok = false;
          break;
        }
      }
      if (ok) out[m++] = i;
    }
  }
  return sorted ? out.subarray(0, m).sort() : out.subarray(0, m);
}
