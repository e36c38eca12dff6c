import type { RawMatrix } from '../../encode/encoder.js';
import type { ConfidenceInterval } from '../../math/stats/interval.js';
import type { Task } from '../../model/model.js';

/** What every invariance subject shares: the model's task and output columns. */
interface SubjectOutputs {
  readonly task: Task;
  /** Class labels in output-column order; empty for regression. */
  readonly classes: readonly string[];
  /** Columns per row of the model's output. */
  readonly outputWidth: number;
}

/** A raw feature of a tabular subject: its name, type and (categorical) category list in code order. */
export interface SubjectFeature {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
  readonly categories?: readonly string[];
}

/**
 * A tabular model under test: the audited rows as an ordinal-coded raw matrix (see encode/encoder.ts),
 * reference rows for feature statistics (the training rows when there are some), and a batched
 * prediction function over raw rows.
 */
export interface TabularSubject extends SubjectOutputs {
  readonly kind: 'tabular';
  readonly features: readonly SubjectFeature[];
  readonly rows: RawMatrix;
  /** 0-based data row of each audited row in its input file. */
  readonly rowIds: Int32Array;
  /** Rows whose spread, range and integer-ness scale the perturbations (default: the audited rows). */
  readonly reference?: RawMatrix;
  predict(raw: RawMatrix, options?: { signal?: AbortSignal }): Promise<Float32Array>;
}

/** A text model under test: the audited documents and a batched classifier of raw strings. */
export interface TextSubject extends SubjectOutputs {
  readonly kind: 'text';
  readonly documents: readonly string[];
  readonly rowIds: Int32Array;
  predict(texts: readonly string[], options?: { signal?: AbortSignal }): Promise<Float32Array>;
}

export type InvarianceSubject = TabularSubject | TextSubject;

/** A model output as an example shows it: the decision and the score the test watches. */
export interface OutputSummary {
  /** Predicted class (classification) or the predicted value (regression). */
  readonly predicted: string | number;
  /** The watched score: P(originally predicted class) for INV, the declared output for DIR, P(predicted) for MFT. */
  readonly score: number;
  /** What `score` is: "P(class)" or "value". */
  readonly scoreOf: string;
}

/** Feature values of a tabular example (only the features the test changed), or a document. */
export type ExampleInput = string | Readonly<Record<string, number | string | null>>;

/** One example of a violation: original vs perturbed, with the change in the watched output. */
export interface InvarianceExample {
  /** 0-based data row of the input file; null for synthetic MFT cases. */
  readonly rowId: number | null;
  readonly original?: ExampleInput;
  readonly perturbed: ExampleInput;
  readonly before?: OutputSummary;
  readonly after: OutputSummary;
  /** Size of the violation: |Δ score| (INV), the drop against the declared direction (DIR), 1 − P(expected) (MFT). */
  readonly change: number;
  /** MFT: the label the case should get. */
  readonly expected?: string;
}

export type TestKind = 'inv' | 'dir' | 'mft';

/** Per audited row: whether the test applied to it and whether it was violated (for slicing). */
export interface RowOutcomes {
  readonly tested: Uint8Array;
  readonly violated: Uint8Array;
}

/** The result of one behavioural test. */
export interface InvarianceTestResult {
  readonly name: string;
  readonly kind: TestKind;
  /** INV: the perturbation (noise, category-swap, typo, …). */
  readonly perturbation?: string;
  readonly description: string;
  /** Test cases: audited rows the perturbation changed (INV, DIR) or template cases (MFT). */
  readonly n: number;
  readonly violations: number;
  /** violations / n; null when no case applied (n = 0). */
  readonly violationRate: number | null;
  readonly interval: ConfidenceInterval | null;
  /** The change in the watched output a violation must exceed (see prediction-change.ts). */
  readonly tolerance: number;
  /** Model evaluations the test made (perturbed rows or cases). */
  readonly evaluations: number;
  /** Worst violations first. */
  readonly examples: readonly InvarianceExample[];
  /** Why n is 0, or anything else a reader must know about this test. */
  readonly note?: string;
  /** Per audited row outcomes (INV and DIR); not part of the JSON form. */
  readonly rows?: RowOutcomes;
}

export interface InvarianceReport {
  readonly subject: 'tabular' | 'text';
  readonly rows: number;
  readonly seed: number;
  readonly confidence: number;
  readonly tests: readonly InvarianceTestResult[];
}
