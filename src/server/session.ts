import type { ScanText } from '../scan/detector.js';
import type { Schema } from '../data/schema.js';
import type { Table } from '../data/table.js';
import type { Encoder } from '../encode/encoder.js';
import type { Model } from '../model/model.js';
import type { Tensor } from '../model/tensor.js';
import type { ScanResults } from '../results/schema.js';

/**
 * What the dashboard serves: the rows (every row of the input file, `table.rowIds` = 0-based data rows),
 * the schema, the model and, for tabular data, the encoder that feeds it. Image data carries the model
 * input `x` (row i of x is row i of table). Built by `glassbox serve` from the same loaders as every
 * other command, so the API and the CLI agree on every number.
 */
export interface DashboardSession {
  /** What is served, in words (e.g. "demo:credit" or the data file). */
  readonly title: string;
  readonly table: Table;
  readonly schema: Schema;
  readonly model: Model;
  readonly encoder?: Encoder;
  readonly x?: Tensor;
  /** Rows the explainers draw their background from (the training split when there is one). */
  readonly backgroundRows?: Int32Array;
  /** The scan's results (results.json), read from --results DIR or computed on first request. */
  readonly results?: () => Promise<DashboardResults>;
  /** Text models: the document column and a classifier of raw strings (the word-level explainers' model). */
  readonly text?: ScanText;
}

/** A scan run as results.json holds it: the findings, the summary and each detector's data. */
export type DashboardResults = Pick<ScanResults, 'findings' | 'summary' | 'detectors'> & Partial<Pick<ScanResults, 'input' | 'warnings'>>;
