import type { Table } from '../data/table.js';
import type { Schema } from '../data/schema.js';
import type { Encoder } from '../encode/encoder.js';
import type { Model } from '../model/model.js';
import type { Tensor } from '../model/tensor.js';

export type DemoName = 'credit' | 'digits' | 'spam';

export interface DemoProgress {
  readonly stage: 'generate' | 'load-model' | 'train';
  readonly message: string;
  readonly epoch?: number;
  readonly epochs?: number;
  readonly loss?: number;
}

export interface DemoOptions {
  /** Seed of the data generator / subset choice and of training (default 0). */
  readonly seed?: number;
  /** Folder of the model artifacts (default <package>/models/<demo>). */
  readonly modelDir?: string;
  /** Train even when a matching artifact exists. */
  readonly retrain?: boolean;
  /** Progress of training (when no artifact matches); defaults to a line on stderr per stage. */
  readonly onProgress?: (progress: DemoProgress) => void;
  readonly signal?: AbortSignal;
}

/**
 * A built-in demo: data (train and test rows, told apart by `schema.split`), the schema, a model trained
 * by glassbox's own code and the input tensor that feeds it (row i of `inputs` is row i of `table`).
 */
export interface Demo {
  readonly name: DemoName;
  readonly description: string;
  readonly table: Table;
  readonly schema: Schema;
  readonly model: Model;
  /** Model input for every table row, batch-major. */
  readonly inputs: Tensor;
  /** Tabular demos: raw feature rows → model input. */
  readonly encoder?: Encoder;
  /** What was planted (credit); JSON-serialisable. */
  readonly groundTruth?: unknown;
  /** Where the model came from. */
  readonly modelSource: 'artifact' | 'trained';
}
