import type { Table } from '../data/table.js';
import { excludeOutcomeColumns } from './outcome-columns.js';
import type { ExcludedColumn, OutcomeColumns } from './outcome-columns.js';
import { prepareFeatures } from './search-features.js';
import type { FeatureOptions, SearchFeature } from './search-features.js';
import { searchSlices } from './slice-search.js';
import type { Candidate, SearchOptions } from './slice-search.js';
import { selectSlices } from './slice-merge.js';
import type { DiscoveredSlice, SelectOptions } from './slice-merge.js';

export interface DiscoverOptions extends SearchOptions, SelectOptions, FeatureOptions {
  /**
   * The label, prediction and split columns (by name) and the per-row outcomes. These columns, and any
   * column derived from them, are never slice features; they are dropped from `columns` and listed in
   * `excluded`. A column that is a function of a 0/1 `metric` (an error flag) is always dropped.
   */
  readonly outcomes?: OutcomeColumns;
  /**
   * Only candidates this admits may be reported (all still count as tested). A caller's own criterion
   * on a slice's statistics, applied before merging so an inadmissible slice cannot crowd out others.
   */
  readonly admit?: (candidate: Candidate) => boolean;
}

export interface Discovery {
  readonly slices: readonly DiscoveredSlice[];
  /** Number of conjunctions tested. */
  readonly tested: number;
  /** Size of the FDR family: every conjunction of up to maxOrder conditions, tested or not (see familyScale). */
  readonly hypotheses: number;
  /** Mean of the metric over all rows. */
  readonly overall: number;
  readonly rows: number;
  readonly minSupport: number;
  readonly test: 'z' | 't' | 'permutation';
  readonly features: readonly SearchFeature[];
  /** Columns left out because they are, or derive from, the label, the predictions or the split. */
  readonly excluded: readonly ExcludedColumn[];
}

const isBinary = (metric: Float64Array): boolean => metric.every((v) => v === 0 || v === 1);

/**
 * Finds slices (conjunctions of up to `maxOrder` conditions on the given columns) where `metric`
 * (per row: 1/0 error, loss, …) is significantly worse than on the rest, controlling the FDR over every
 * hypothesis tested. Outcome columns (see `outcomes`) are never searched. See searchSlices and
 * selectSlices for the steps.
 */
export function discoverSlices(table: Table, columns: readonly string[], metric: Float64Array, options: DiscoverOptions = {}): Discovery {
  const { kept, excluded } = excludeOutcomeColumns(table, columns, { ...options.outcomes, ...(isBinary(metric) ? { errors: metric } : {}) });
  const features = prepareFeatures(table, kept, options);
  const result = searchSlices(features, metric, options);
  const admitted = options.admit ? { ...result, candidates: result.candidates.filter(options.admit) } : result;
  const slices = selectSlices(admitted, features, metric, options);
  return {
    slices,
    tested: result.tested,
    hypotheses: result.family.reduce((a, b) => a + b, 0),
    overall: result.total.sum / result.total.n,
    rows: result.total.n,
    minSupport: result.minSupport,
    test: options.test === 'permutation' ? 'permutation' : result.binary ? 'z' : 't',
    features,
    excluded,
  };
}
