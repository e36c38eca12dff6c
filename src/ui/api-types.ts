/**
 * The JSON the dashboard reads from `glassbox serve` (src/server), as the browser sees it. The server is
 * the source of truth; these types only say what the views rely on.
 */

export type FeatureValue = number | string | null;
export type FeatureRow = Record<string, FeatureValue>;

export interface FeatureInfo {
  readonly name: string;
  readonly type: 'numeric' | 'categorical' | 'text' | 'image';
  readonly categories?: readonly string[];
  /** Observed range of a numeric feature (the what-if editor keeps edits inside it). */
  readonly min?: number;
  readonly max?: number;
  /** Whether counterfactuals may change it (false for protected attributes and fixed facts). */
  readonly mutable?: boolean;
}

/** GET /api/meta: what is served. */
export interface DatasetInfo {
  readonly title: string;
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly classes: readonly string[];
  readonly features: readonly FeatureInfo[];
  readonly target: string | null;
  readonly protected: readonly string[];
  readonly nRows: number;
  /** tabular: feature records; tensor: images (model inputs); other: text. */
  readonly input: 'tabular' | 'tensor' | 'other';
  readonly inputShape: readonly number[] | null;
}

/** One condition of a row filter (GET /api/rows?filter=JSON). */
export interface Predicate {
  readonly feature: string;
  readonly op: '<' | '<=' | '>' | '>=' | '==' | '!=' | 'in';
  readonly value: number | string | readonly (number | string)[];
}

export interface DataRow {
  readonly rowId: number;
  readonly features: FeatureRow;
  readonly label: string | number | null;
  readonly prediction: string | number | null;
  readonly outputs: readonly number[];
}

export interface RowsPage {
  readonly rows: readonly DataRow[];
  readonly total: number;
}

export interface AttributionJson {
  readonly method: string;
  readonly featureNames: readonly string[];
  readonly values: readonly number[];
  readonly shape?: readonly number[];
  readonly baseValues?: readonly number[];
  readonly outputs?: readonly number[];
  readonly target?: number;
}

/** One counterfactual, predicted again by the server. */
export interface Counterfactual {
  readonly features: FeatureRow;
  readonly changed: readonly string[];
  readonly distance: number;
  readonly outputs: readonly number[];
  readonly prediction: string | number;
  /** Nearest counterfactuals are data rows. */
  readonly rowId?: number;
}

/** POST /api/counterfactual. */
export interface CounterfactualResult {
  readonly method: string;
  readonly counterfactuals: readonly Counterfactual[];
  readonly desiredClass: string | null;
  readonly notes?: readonly string[];
}

/** GET /api/pdp: partial dependence over a sample of rows and the ICE curve of the selected or edited row. */
export interface IceCurves {
  readonly feature: string;
  readonly kind: 'numeric' | 'categorical';
  readonly grid: readonly number[];
  readonly gridLabels?: readonly string[] | null;
  readonly average: readonly number[];
  readonly row: readonly number[] | null;
  readonly nRows: number;
  readonly targetClass: string | null;
}

/** A scan finding (results.json); those with `slice` name the rows they are about. */
export interface FindingJson {
  readonly id: string;
  readonly detector: string;
  readonly severity: string;
  readonly title: string;
  readonly summary: string;
  readonly metric: string;
  readonly value: number;
  readonly baseline?: number;
  readonly interval?: { low: number; high: number; level: number; method: string };
  readonly slice?: readonly Predicate[];
  readonly examples: readonly number[];
  readonly evidence: Record<string, unknown>;
}

export interface RateWithInterval {
  readonly value: number | null;
  readonly interval: { readonly low: number; readonly high: number; readonly level: number; readonly method: string } | null;
}

export interface GroupOperatingPoint {
  readonly group: string;
  readonly threshold: number;
  readonly n: number;
  readonly selectionRate: RateWithInterval;
  readonly truePositiveRate: RateWithInterval;
  readonly falsePositiveRate: RateWithInterval;
  readonly accuracy: RateWithInterval;
}

/** POST /api/fairness/strategy: thresholds per group and the rates they give. */
export interface FairnessStrategy {
  readonly strategy: string;
  readonly attribute: string;
  readonly positiveClass: string;
  readonly groups: readonly GroupOperatingPoint[];
  readonly accuracy: number;
  readonly gap: number;
}

/** GET /api/projection: 2-D coordinates of (a sample of) the served rows. */
export interface ProjectionResult {
  readonly method: string;
  readonly rowIds: readonly number[];
  readonly coordinates: readonly (readonly [number, number])[];
  readonly trustworthiness?: number;
}

/** POST /api/text-attribution: a document's pieces (words and separators) and each word's attribution. */
export interface TextAttribution {
  readonly rowId: number;
  readonly method: string;
  readonly target: string | null;
  readonly pieces: readonly string[];
  /** For each piece, the index of its word in `values`, or -1 for separators. */
  readonly wordOfPiece: readonly number[];
  readonly values: readonly number[];
}
