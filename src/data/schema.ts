/**
 * What the columns of a dataset mean. Inferred from the data, or given as JSON (see docs/data.md).
 */
export type FeatureType = 'numeric' | 'categorical' | 'text' | 'image';

export interface FeatureSpec {
  readonly name: string;
  readonly type: FeatureType;
  /** Categories in code order (one-hot positions and ordinal codes follow this order). */
  readonly categories?: readonly string[];
}

export interface TargetSpec {
  readonly name: string;
  readonly task: 'binary' | 'multiclass' | 'regression';
  /** Class labels in model-output order (binary: [negative, positive]). */
  readonly classes?: readonly string[];
  readonly positiveClass?: string;
}

/** A protected attribute: a column as it is, a mapping of its categories, or buckets of a number. */
export interface ProtectedSpec {
  readonly name: string;
  readonly column: string;
  /** Category → group label (e.g. "male : single" → "male"). */
  readonly mapping?: Readonly<Record<string, string>>;
  /** Group label for categories the mapping does not list (e.g. race: {White: "White"}, otherwise "non-White"). */
  readonly otherwise?: string;
  /** Bucket edges for numeric columns, with labels: value < edges[0] → labels[0], … */
  readonly edges?: readonly number[];
  readonly labels?: readonly string[];
}

export interface SplitSpec {
  readonly column: string;
  /** The value (as text) that marks a test row, e.g. "True". */
  readonly testValue: string;
}

export type MissingPolicy = 'error' | 'drop' | 'impute';

export interface Schema {
  readonly features: readonly FeatureSpec[];
  readonly target?: TargetSpec;
  readonly protected?: readonly ProtectedSpec[];
  /** Columns kept for grouping and domain splits (time, region, device…), not fed to the model. */
  readonly metadata?: readonly string[];
  readonly rowId?: string;
  readonly split?: SplitSpec;
  readonly missing?: MissingPolicy;
}
