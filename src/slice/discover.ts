import type { Table } from '../data/table.js';
import { prepareFeatures } from './search-features.js';
import type { FeatureOptions, SearchFeature } from './search-features.js';
import { searchSlices } from './slice-search.js';
import type { SearchOptions } from './slice-search.js';
import { selectSlices } from './slice-merge.js';
import type { DiscoveredSlice, SelectOptions } from './slice-merge.js';

export interface DiscoverOptions extends SearchOptions, SelectOptions, FeatureOptions {}

export interface Discovery {
  readonly slices: readonly DiscoveredSlice[];
  /** Number of hypotheses tested (all enter the Benjamini–Hochberg correction). */
  readonly tested: number;
  /** Mean of the metric over all rows. */
  readonly overall: number;
  readonly rows: number;
  readonly minSupport: number;
  readonly test: 'z' | 't' | 'permutation';
  readonly features: readonly SearchFeature[];
}

/**
 * Finds slices (conjunctions of up to `maxOrder` conditions on the given columns) where `metric`
 * (per row: 1/0 error, loss, …) is significantly worse than on the rest, controlling the FDR over every
 * hypothesis tested. See searchSlices and selectSlices for the steps.
 */
export function discoverSlices(table: Table, columns: readonly string[], metric: Float64Array, options: DiscoverOptions = {}): Discovery {
  const features = prepareFeatures(table, columns, options);
  const result = searchSlices(features, metric, options);
  const slices = selectSlices(result, features, metric, options);
  return {
    slices,
    tested: result.tested,
    overall: result.total.sum / result.total.n,
    rows: result.total.n,
    minSupport: result.minSupport,
    test: options.test === 'permutation' ? 'permutation' : result.binary ? 'z' : 't',
    features,
  };
}
