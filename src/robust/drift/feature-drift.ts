import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { CategoricalColumn, Column, NumericColumn, Table } from '../../data/table.js';
import { findColumn } from '../../data/table.js';
import { benjaminiHochberg } from '../../math/stats/index.js';
import { categoricalBins, DEFAULT_BINS, MISSING_BIN, numericBins, type Bins } from './binning.js';
import { chiSquareHomogeneity } from './chi-square-test.js';
import { jensenShannonDistance } from './jensen-shannon.js';
import { ksTwoSampleSorted, sortedFinite } from './ks-test.js';
import { populationStabilityIndex } from './psi.js';
import { wassersteinSorted } from './wasserstein.js';

/** Default false discovery rate: a feature drifts when its BH q-value is below this. */
export const DEFAULT_FDR = 0.05;

export interface FeatureDrift {
  readonly feature: string;
  readonly kind: 'numeric' | 'categorical';
  /** 'ks' (two-sided two-sample Kolmogorov–Smirnov) or 'chi-square' (Pearson, 2 × k homogeneity). */
  readonly test: 'ks' | 'chi-square';
  readonly statistic: number;
  readonly pValue: number;
  /** Benjamini–Hochberg q-value over every feature tested. */
  readonly qValue: number;
  readonly psi: number;
  /** Wasserstein-1 distance in the feature's units; null for categorical features. */
  readonly wasserstein: number | null;
  readonly jensenShannon: number;
  readonly drift: boolean;
  /** How the p-value was computed: 'exact' / 'asymptotic' (KS) or 'pearson' (chi-square, df given). */
  readonly method: 'exact' | 'asymptotic' | 'pearson';
  readonly df?: number;
  /** Categories pooled into one cell because their expected counts were below 5. */
  readonly pooled?: readonly string[];
  readonly nReference: number;
  readonly nCurrent: number;
  readonly missingReference: number;
  readonly missingCurrent: number;
  /** The bins PSI and Jensen–Shannon were computed on (counts per sample), for histograms. */
  readonly bins: Bins;
}

export interface FeatureDriftOptions {
  /** Features to test (default: every numeric and categorical column present in both tables). */
  readonly features?: readonly string[];
  /** False discovery rate for `drift` (default 0.05). */
  readonly fdr?: number;
  /** Number of quantile bins for PSI and Jensen–Shannon on numeric features (default 10). */
  readonly bins?: number;
  readonly signal?: AbortSignal;
}

export interface FeatureDriftReport {
  readonly features: readonly FeatureDrift[];
  readonly fdr: number;
  readonly nReference: number;
  readonly nCurrent: number;
  /** Names of the features whose q-value is below the FDR, most significant first. */
  readonly drifted: readonly string[];
}

/**
 * Data drift per feature between a reference table (e.g. the training rows) and a current one: a
 * two-sample test per feature (KS for numeric, chi-square for categorical), Benjamini–Hochberg q-values
 * over all features (Benjamini & Hochberg 1995), and three effect sizes — PSI, Wasserstein-1 (numeric)
 * and Jensen–Shannon distance — on bins fixed by the reference. Categorical columns are compared by
 * category label, so the two tables may code them differently. `drift` is q < fdr.
 */
export function featureDrift(reference: Table, current: Table, options: FeatureDriftOptions = {}): FeatureDriftReport {
  const fdr = options.fdr ?? DEFAULT_FDR;
  if (!(fdr > 0 && fdr < 1)) throw new GlassboxError('invalid_argument', `The false discovery rate must lie in (0, 1); got ${fdr}.`, { argument: 'fdr', hint: 'e.g. 0.05' });
  const names = options.features ?? reference.columns.filter((c) => c.kind !== 'text' && findColumn(current, c.name)).map((c) => c.name);
  const raw = names.map((name) => {
    throwIfAborted(options.signal);
    return testFeature(name, pair(reference, current, name), options.bins ?? DEFAULT_BINS);
  });
  const q = benjaminiHochberg(raw.map((r) => r.pValue));
  const features = raw.map((r, i) => ({ ...r, qValue: q[i]!, drift: q[i]! < fdr }));
  const drifted = features.filter((f) => f.drift).sort((a, b) => a.qValue - b.qValue || a.pValue - b.pValue).map((f) => f.feature);
  return { features, fdr, nReference: reference.nRows, nCurrent: current.nRows, drifted };
}

function pair(reference: Table, current: Table, name: string): [Column, Column] {
  const a = findColumn(reference, name);
  const b = findColumn(current, name);
  if (!a) throw new GlassboxError('schema_mismatch', `The reference data${reference.source ? ` (${reference.source})` : ''} has no column "${name}".`, { column: name, file: reference.source, hint: 'Both files must hold the same feature columns.' });
  if (!b) throw new GlassboxError('schema_mismatch', `The current data${current.source ? ` (${current.source})` : ''} has no column "${name}".`, { column: name, file: current.source, hint: 'Both files must hold the same feature columns.' });
  if (a.kind !== b.kind || a.kind === 'text') {
    throw new GlassboxError('schema_mismatch', `Column "${name}" is ${a.kind} in the reference data but ${b.kind} in the current data.`, { column: name, hint: 'Give a schema (--schema) so both files are read with the same column types.' });
  }
  return [a, b];
}

type Tested = Omit<FeatureDrift, 'qValue' | 'drift'>;

function testFeature(name: string, [a, b]: [Column, Column], nBins: number): Tested {
  if (a.kind === 'numeric') return testNumeric(name, a, b as NumericColumn, nBins);
  return testCategorical(name, a as CategoricalColumn, b as CategoricalColumn);
}

function testNumeric(name: string, a: NumericColumn, b: NumericColumn, nBins: number): Tested {
  const ra = sortedFinite(a.values);
  const rb = sortedFinite(b.values);
  const missing = { reference: a.values.length - ra.length, current: b.values.length - rb.length };
  const base = { feature: name, kind: 'numeric' as const, test: 'ks' as const, nReference: ra.length, nCurrent: rb.length, missingReference: missing.reference, missingCurrent: missing.current };
  const bins = numericBins(ra, rb, missing, nBins);
  if (ra.length === 0 || rb.length === 0) {
    return { ...base, statistic: Number.NaN, pValue: Number.NaN, method: 'exact', psi: populationStabilityIndex(bins.reference, bins.current), wasserstein: null, jensenShannon: jensenShannonDistance(bins.reference, bins.current), bins };
  }
  const ks = ksTwoSampleSorted(ra, rb);
  return { ...base, statistic: ks.statistic, pValue: ks.pValue, method: ks.method, psi: populationStabilityIndex(bins.reference, bins.current), wasserstein: wassersteinSorted(ra, rb), jensenShannon: jensenShannonDistance(bins.reference, bins.current), bins };
}

function testCategorical(name: string, a: CategoricalColumn, b: CategoricalColumn): Tested {
  const ca = categoryCounts(a);
  const cb = categoryCounts(b);
  const bins = categoricalBins(ca.counts, cb.counts, { reference: ca.missing, current: cb.missing });
  // missingness is a category of its own for the test, so a change in it counts as drift
  const withMissing = (c: { counts: Map<string, number>; missing: number }): Map<string, number> => (c.missing > 0 ? new Map([...c.counts, [MISSING_BIN, c.missing]]) : c.counts);
  const chi = chiSquareHomogeneity(withMissing(ca), withMissing(cb));
  return {
    feature: name,
    kind: 'categorical',
    test: 'chi-square',
    statistic: chi.statistic,
    pValue: chi.pValue,
    method: 'pearson',
    df: chi.df,
    ...(chi.pooled.length > 0 ? { pooled: chi.pooled } : {}),
    psi: populationStabilityIndex(bins.reference, bins.current),
    wasserstein: null,
    jensenShannon: jensenShannonDistance(bins.reference, bins.current),
    nReference: a.codes.length - ca.missing,
    nCurrent: b.codes.length - cb.missing,
    missingReference: ca.missing,
    missingCurrent: cb.missing,
    bins,
  };
}

function categoryCounts(column: CategoricalColumn): { counts: Map<string, number>; missing: number } {
  const byCode = new Float64Array(column.categories.length);
  let missing = 0;
  for (const code of column.codes) {
    if (code < 0) missing++;
    else byCode[code]! += 1;
  }
  const counts = new Map<string, number>();
  column.categories.forEach((label, code) => {
    if (byCode[code]! > 0) counts.set(label, (counts.get(label) ?? 0) + byCode[code]!);
  });
  return { counts, missing };
}
