import type { DistanceMetric, Normalisation } from './feature-space.js';

/** One counterfactual: a raw row (ordinal-coded, feature order) whose re-predicted class is the desired one. */
export interface Counterfactual {
  readonly values: Float64Array;
  /** Features whose value differs from the query's. */
  readonly changed: readonly string[];
  /** Normalised distance to the query (see `metric`, `normalisation`). */
  readonly distance: number;
  /** The model's outputs for `values`, from a fresh prediction after the search (the verification). */
  readonly outputs: Float64Array;
  readonly predictedClass: number;
  /** Nearest counterfactuals: the data row it is (0-based data row id). */
  readonly rowId?: number;
}

export interface CounterfactualResult {
  readonly method: 'nearest' | 'dice-genetic';
  readonly featureNames: readonly string[];
  readonly query: { readonly values: Float64Array; readonly outputs: Float64Array; readonly predictedClass: number };
  /** The class asked for, or -1: any class other than the query's. */
  readonly desiredClass: number;
  readonly counterfactuals: readonly Counterfactual[];
  readonly metric: DistanceMetric;
  readonly normalisation: Normalisation;
  /** Per-feature scale dividing numeric differences (1 for categorical features). */
  readonly scales: Float64Array;
  /** Features held at the query's values. */
  readonly immutable: readonly string[];
  /** Generated sets: mean pairwise distance between the counterfactuals (DiCE's diversity). */
  readonly diversity?: number;
  readonly options: Readonly<Record<string, unknown>>;
  readonly seed?: number;
  /** Why fewer counterfactuals than asked were returned, and anything else the user should know. */
  readonly notes: readonly string[];
}

/** JSON form (typed arrays as arrays, NaN as null). */
export function counterfactualResultToJson(result: CounterfactualResult): Record<string, unknown> {
  const list = (a: ArrayLike<number>): (number | null)[] => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
  return {
    method: result.method,
    featureNames: [...result.featureNames],
    query: { values: list(result.query.values), outputs: list(result.query.outputs), predictedClass: result.query.predictedClass },
    desiredClass: result.desiredClass,
    counterfactuals: result.counterfactuals.map((c) => ({ values: list(c.values), changed: [...c.changed], distance: c.distance, outputs: list(c.outputs), predictedClass: c.predictedClass, ...(c.rowId === undefined ? {} : { rowId: c.rowId }) })),
    metric: result.metric,
    normalisation: result.normalisation,
    scales: list(result.scales),
    immutable: [...result.immutable],
    ...(result.diversity === undefined ? {} : { diversity: result.diversity }),
    options: { ...result.options },
    ...(result.seed === undefined ? {} : { seed: result.seed }),
    notes: [...result.notes],
  };
}
