import { GlassboxError, throwIfAborted } from '../errors.js';
import { weightedBenjaminiHochberg } from '../math/stats/fdr.js';
import { permutationTest } from '../math/stats/permutation-test.js';
import { conditionKey, filterRows } from './search-features.js';
import type { Condition, SearchFeature } from './search-features.js';
import { compareSlice } from './slice-stats.js';
import type { Comparison, Moments } from './slice-stats.js';

/** One tested conjunction. */
export interface Candidate extends Comparison {
  readonly conditions: readonly Condition[];
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
  qValue: number;
}

export interface SearchOptions {
  /** Most conditions per slice (default 3). */
  readonly maxOrder?: number;
  /** Minimum rows in a slice: a count ≥ 1, or a fraction of the rows when < 1 (default 0.01, at least 20). */
  readonly minSupport?: number;
  /** Minimum effect (slice mean − rest mean, in the searched direction) to report (default 0.05). */
  readonly minEffect?: number;
  /** False discovery rate for Benjamini–Hochberg (default 0.05). */
  readonly fdr?: number;
  /** Slices kept per level for expansion (default 100). */
  readonly beamWidth?: number;
  /** At most this many beam entries share the same set of features, so one strong slice cannot fill the beam (default 2). */
  readonly beamPerFeatureSet?: number;
  /** +1 looks for slices where the metric is higher (errors, loss), −1 lower (default +1). */
  readonly direction?: 1 | -1;
  /** 'auto' (z-test for 0/1 metrics, else Welch t), or 'permutation' with `statistic`. */
  readonly test?: 'auto' | 'z' | 't' | 'permutation';
  /** Permutation test statistic on a row mask (default: slice mean − rest mean of the metric). */
  readonly statistic?: (mask: Uint8Array) => number;
  readonly permutationIterations?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (level: number, tested: number) => void;
}

export interface SearchResult {
  readonly candidates: Candidate[];
  readonly tested: number;
  /**
   * Size of the whole hypothesis family per order (index 0 = single conditions): every conjunction of
   * that many conditions on distinct features, tested or not. See `familyScale`.
   */
  readonly family: readonly number[];
  readonly total: Moments;
  readonly binary: boolean;
  readonly minSupport: number;
}

interface Resolved {
  maxOrder: number;
  minSupport: number;
  minEffect: number;
  fdr: number;
  beamWidth: number;
  beamPerFeatureSet: number;
  direction: 1 | -1;
  binary: boolean;
}

function resolve(metric: Float64Array, options: SearchOptions): Resolved {
  const n = metric.length;
  let binary = true;
  for (let i = 0; i < n; i++) {
    const v = metric[i]!;
    if (!Number.isFinite(v)) throw new GlassboxError('invalid_input', `The per-row metric is ${v} at row ${i}.`, { row: i, argument: 'metric', hint: 'Drop rows without a label or score first.' });
    if (v !== 0 && v !== 1) binary = false;
  }
  const ms = options.minSupport ?? 0.01;
  const minSupport = Math.max(ms < 1 ? Math.ceil(ms * n) : Math.ceil(ms), ms < 1 ? 20 : 1);
  const test = options.test ?? 'auto';
  if (test === 't') binary = false;
  return { maxOrder: options.maxOrder ?? 3, minSupport, minEffect: options.minEffect ?? 0.05, fdr: options.fdr ?? 0.05, beamWidth: options.beamWidth ?? 100, beamPerFeatureSet: options.beamPerFeatureSet ?? 2, direction: options.direction ?? 1, binary };
}

/** Moments per (feature, code) over the given rows: one pass, every single-condition extension at once. */
function histograms(features: readonly SearchFeature[], metric: Float64Array, rows: Int32Array | undefined, n: number): Float64Array[] {
  const h = features.map((f) => new Float64Array(f.labels.length * 3));
  const m = rows ? rows.length : n;
  for (let k = 0; k < m; k++) {
    const i = rows ? rows[k]! : k;
    const v = metric[i]!;
    for (let f = 0; f < features.length; f++) {
      const code = features[f]!.codes[i]!;
      if (code < 0) continue;
      const hf = h[f]!;
      hf[code * 3]! += 1;
      hf[code * 3 + 1]! += v;
      hf[code * 3 + 2]! += v * v;
    }
  }
  return h;
}

/**
 * A bin-range condition with the same object shape as a refined one (value bounds undefined), so the hot
 * loops that read conditions stay monomorphic once refined ranges appear.
 */
function condition(feature: number, lo: number, hi: number): Condition {
  return { feature, lo, hi, low: undefined, high: undefined };
}

/** Every condition on feature f with its moments: each category, or each contiguous bin range except the full one. */
function extensions(feature: SearchFeature, f: number, h: Float64Array, visit: (c: Condition, m: Moments) => void): void {
  const B = feature.labels.length;
  if (feature.kind === 'categorical') {
    for (let b = 0; b < B; b++) visit(condition(f, b, b), { n: h[b * 3]!, sum: h[b * 3 + 1]!, sumSq: h[b * 3 + 2]! });
    return;
  }
  for (let lo = 0; lo < B; lo++) {
    const m: Moments = { n: 0, sum: 0, sumSq: 0 };
    for (let hi = lo; hi < B; hi++) {
      m.n += h[hi * 3]!;
      m.sum += h[hi * 3 + 1]!;
      m.sumSq += h[hi * 3 + 2]!;
      if (lo === 0 && hi === B - 1) continue;
      visit(condition(f, lo, hi), { ...m });
    }
  }
}

/**
 * Beam search over conjunctions of up to `maxOrder` conditions on binned features for slices where a
 * per-row metric (error 0/1, loss, …) is worse than on the rest of the data. Every candidate meeting the
 * minimum support is tested (one-sided two-proportion z-test for 0/1 metrics, Welch's t-test otherwise,
 * or a permutation test) and all p-values get weighted Benjamini–Hochberg q-values over the whole family of
 * conjunctions up to `maxOrder` (see familyScale). Candidates are expanded from the `beamWidth` strongest
 * of each level (by test statistic). In the spirit of SliceFinder (Chung et al., "Automated data slicing
 * for model validation", ICDE 2019), with FDR control over every conjunction the search could have tested.
 */
export function searchSlices(features: readonly SearchFeature[], metric: Float64Array, options: SearchOptions = {}): SearchResult {
  const n = metric.length;
  for (const f of features) {
    if (f.codes.length !== n) throw new GlassboxError('shape_mismatch', `Feature "${f.name}" has ${f.codes.length} rows, the metric ${n}.`, { column: f.name, argument: 'features', hint: 'Prepare features from the same rows as the metric.' });
  }
  const r = resolve(metric, options);
  const total: Moments = { n, sum: 0, sumSq: 0 };
  for (let i = 0; i < n; i++) {
    total.sum += metric[i]!;
    total.sumSq += metric[i]! * metric[i]!;
  }
  const seen = new Map<string, number>();
  const all: Candidate[] = [];
  let parents: { conditions: Condition[]; rows: Int32Array | undefined }[] = [{ conditions: [], rows: undefined }];
  for (let level = 1; level <= r.maxOrder && parents.length > 0; level++) {
    const fresh: Candidate[] = [];
    for (const parent of parents) {
      throwIfAborted(options.signal);
      const h = histograms(features, metric, parent.rows, n);
      const used = new Set(parent.conditions.map((c) => c.feature));
      features.forEach((feature, f) => {
        if (used.has(f)) return;
        extensions(feature, f, h[f]!, (c, m) => {
          if (m.n < r.minSupport || total.n - m.n < r.minSupport) return;
          const conditions = [...parent.conditions, c];
          const key = conditionKey(conditions);
          if (seen.has(key)) return;
          const cmp = compareSlice(m, total, r.binary, r.direction);
          seen.set(key, cmp.effect);
          fresh.push({ ...cmp, conditions, n: m.n, sum: m.sum, sumSq: m.sumSq, qValue: Number.NaN });
        });
      });
    }
    if (options.test === 'permutation') permutationPValues(fresh, features, metric, r, options);
    all.push(...fresh);
    options.onProgress?.(level, all.length);
    if (level === r.maxOrder) break;
    const beam = selectBeam(fresh.filter((c) => improvesOnSubsets(c, seen)), r);
    parents = beam.map((c) => ({ conditions: [...c.conditions], rows: filterRows(features, c.conditions, n) }));
  }
  const family = familySizes(features, r.maxOrder);
  const result = { candidates: all, tested: all.length, family, total, binary: r.binary, minSupport: r.minSupport };
  const hypotheses = family.reduce((a, b) => a + b, 0);
  const q = weightedBenjaminiHochberg(all.map((c) => (Number.isNaN(c.pValue) ? 1 : c.pValue)), all.map((c) => hypotheses / familyScale(result, c.conditions.length)), hypotheses);
  all.forEach((c, i) => (c.qValue = q[i]!));
  return result;
}

/** Conditions one feature offers: each category, or each contiguous bin range but the full one. */
function conditionCount(feature: SearchFeature): number {
  const b = feature.labels.length;
  return feature.kind === 'categorical' ? b : (b * (b + 1)) / 2 - 1;
}

/** Conjunctions of k conditions on k distinct features, for k = 1..maxOrder (elementary symmetric sums). */
function familySizes(features: readonly SearchFeature[], maxOrder: number): number[] {
  const e = new Array<number>(maxOrder + 1).fill(0);
  e[0] = 1;
  for (const f of features) {
    const c = conditionCount(f);
    for (let k = maxOrder; k >= 1; k--) e[k]! += e[k - 1]! * c;
  }
  return e.slice(1);
}

/**
 * The factor a p-value of a `level`-condition slice is multiplied by before the step-up comparison with
 * fdr·k: the number of orders searched × the number of conjunctions of that order. The error budget is
 * split equally between orders and spread over *every* conjunction of an order, tested or not, because
 * the beam chooses what to test from the same data: counting only the tested ones let noise that the
 * beam had steered towards pass as significant (weighted BH, see weightedBenjaminiHochberg).
 */
export function familyScale(result: Pick<SearchResult, 'family'>, level: number): number {
  const orders = result.family.filter((m) => m > 0).length;
  return orders * (result.family[level - 1] ?? Infinity);
}

/**
 * A conjunction is worth refining only if its effect exceeds that of every tested sub-conjunction (one
 * condition dropped) by at least one standard error of its mean; otherwise the added condition only
 * narrows an existing failure (x ∧ c is as bad as x) and would crowd the beam.
 */
function improvesOnSubsets(c: Candidate, effects: ReadonlyMap<string, number>): boolean {
  if (c.conditions.length < 2) return true;
  let best = -Infinity;
  for (let drop = 0; drop < c.conditions.length; drop++) {
    const e = effects.get(conditionKey(c.conditions.filter((_, k) => k !== drop)));
    if (e !== undefined && e > best) best = e;
  }
  const variance = Math.max(0, c.sumSq / c.n - c.mean * c.mean);
  return c.effect - best >= Math.sqrt(variance / c.n);
}

/** The strongest candidates with a positive effect, at most `beamPerFeatureSet` per set of features. */
function selectBeam(fresh: readonly Candidate[], r: Resolved): Candidate[] {
  const perSet = new Map<string, number>();
  const beam: Candidate[] = [];
  for (const c of [...fresh].sort((a, b) => b.statistic - a.statistic)) {
    if (beam.length >= r.beamWidth || !(c.effect > 0)) break;
    const key = c.conditions.map((k) => k.feature).sort((a, b) => a - b).join(',');
    const used = perSet.get(key) ?? 0;
    if (used >= r.beamPerFeatureSet) continue;
    perSet.set(key, used + 1);
    beam.push(c);
  }
  return beam;
}

/** Replaces p-values by permutation p-values for candidates with enough effect (others get p = 1). */
function permutationPValues(fresh: Candidate[], features: readonly SearchFeature[], metric: Float64Array, r: Resolved, options: SearchOptions): void {
  const n = metric.length;
  const mask = new Uint8Array(n);
  const statistic = options.statistic ?? ((m: Uint8Array): number => {
    let s1 = 0;
    let n1 = 0;
    let s0 = 0;
    for (let i = 0; i < n; i++) {
      if (m[i]) {
        s1 += metric[i]!;
        n1++;
      } else s0 += metric[i]!;
    }
    return (s1 / n1 - s0 / (n - n1)) * r.direction;
  });
  fresh.forEach((c, k) => {
    if (c.effect < r.minEffect) {
      fresh[k] = { ...c, pValue: 1 };
      return;
    }
    mask.fill(0);
    for (const i of filterRows(features, c.conditions, n)) mask[i] = 1;
    const p = permutationTest(mask, statistic, { iterations: options.permutationIterations ?? 999, seed: (options.seed ?? 0) + k, alternative: 'greater', ...(options.signal ? { signal: options.signal } : {}) });
    fresh[k] = { ...c, pValue: p.pValue };
  });
}
