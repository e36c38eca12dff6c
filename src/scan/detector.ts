import type { Table } from '../data/table.js';
import type { Schema } from '../data/schema.js';
import type { Pipeline } from '../model/pipeline.js';
import type { Model } from '../model/model.js';
import type { RawMatrix } from '../encode/encoder.js';
import type { Tensor } from '../model/tensor.js';
import type { TextClassifier } from '../explain/text/classifier.js';
import type { ReportSection } from '../results/blocks.js';
import type { Finding } from '../results/finding.js';

/** A text model's documents and a classifier over raw strings (for token attributions). */
export interface ScanText {
  readonly column: string;
  readonly classifier: TextClassifier;
}

/** Everything a detector may read. Built once per scan; detectors never reload data or models. */
export interface ScanContext {
  /** The rows being audited (the test split when the schema has one). */
  readonly table: Table;
  /** Training rows, when the data has a split (for background sets, reference statistics). */
  readonly train?: Table;
  readonly schema: Schema;
  readonly model: Model;
  /** Present for tabular data. */
  readonly pipeline?: Pipeline;
  /** Model input for `table`'s rows and `train`'s (non-tabular data: images, text). */
  readonly x?: Tensor;
  readonly trainX?: Tensor;
  /** Text models: the column holding the documents and a classifier of raw strings. */
  readonly text?: ScanText;
  /** Ordinal-coded features of `table` and `train` (tabular data only). */
  readonly raw?: RawMatrix;
  readonly trainRaw?: RawMatrix;
  /** Model outputs for `table`, n × model.outputWidth. */
  readonly outputs: Float32Array;
  /** Class index per row (classification) or value (regression); NaN/-1 when unlabeled. */
  readonly labels: Float64Array;
  readonly classes: readonly string[];
  readonly seed: number;
  readonly signal?: AbortSignal;
  readonly options: ScanOptions;
  readonly progress: (detail: string) => void;
}

export interface ScanOptions {
  /** Significance level for intervals (default 0.95). */
  readonly confidence: number;
  /** Demographic-parity difference above which a disparity is reported (default 0.1). */
  readonly disparityThreshold: number;
  /** Ratio under which a disparity is reported (default 0.8, the four-fifths rule). */
  readonly ratioThreshold: number;
  readonly [key: string]: unknown;
}

export interface DetectorResult {
  readonly findings: readonly Finding[];
  readonly sections?: readonly ReportSection[];
  /** Machine-readable detail that goes into results.json under the detector's id. */
  readonly data?: unknown;
  /**
   * For findings about a subset of the audited rows: a 0/1 mask over `context.table`'s rows, keyed by
   * finding id. Findings with equal or complementary masks are grouped into one (see groupFindings).
   */
  readonly rows?: Readonly<Record<string, Uint8Array>>;
}

/** A scan detector. `applies` says whether it can run on this context (and why not, for the report). */
export interface Detector {
  readonly id: string;
  readonly title: string;
  readonly category: 'performance' | 'fairness' | 'explanation' | 'slices' | 'robustness' | 'uncertainty' | 'data';
  applies(context: ScanContext): true | string;
  run(context: ScanContext): Promise<DetectorResult>;
}
