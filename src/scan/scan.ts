import type { Schema } from '../data/schema.js';
import type { Table } from '../data/table.js';
import { labelsOf } from '../data/schema-helpers.js';
import { findColumn } from '../data/table.js';
import { rawMatrixFromTable } from '../encode/raw-matrix.js';
import type { Encoder } from '../encode/encoder.js';
import type { InputWarning } from '../encode/resolve-encoding.js';
import { GlassboxError } from '../errors.js';
import type { Model } from '../model/model.js';
import { pipeline as makePipeline } from '../model/pipeline.js';
import type { Tensor } from '../model/tensor.js';
import type { ScanResults } from '../results/schema.js';
import { VERSION } from '../version.js';
import type { Detector, ScanOptions, ScanText } from './detector.js';
import { defaultDetectors } from './registry.js';
import { runScan, type DetectorProgress, type ScanInputDescription } from './run-scan.js';

/** What a scan audits: rows with labels, the schema that names them, and the model. */
export interface ScanInputs {
  readonly table: Table;
  readonly train?: Table;
  readonly schema: Schema;
  readonly model: Model;
  /** Tabular models: the encoder from raw columns to the model's input. */
  readonly encoder?: Encoder;
  /** Non-tabular models (images, text): the model input for `table`'s rows, and for `train`'s. */
  readonly x?: Tensor;
  readonly trainX?: Tensor;
  /** Text models: the document column and a classifier of raw strings. */
  readonly text?: ScanText;
  readonly describe?: ScanInputDescription;
  /** How the inputs were read that the reader must know (an inferred schema, fitted scaling, unknown categories). */
  readonly warnings?: readonly InputWarning[];
}

export interface ScanCallOptions extends Partial<ScanOptions> {
  readonly seed?: number;
  readonly detectors?: readonly Detector[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DetectorProgress) => void;
}

const DEFAULT_OPTIONS: ScanOptions = { confidence: 0.95, disparityThreshold: 0.1, ratioThreshold: 0.8 };

/**
 * Runs glassbox's detectors on a model and labelled data and returns the validated results
 * (the content of results.json). Write them with `writeRun` to get report.html and findings.md.
 */
export async function scan(inputs: ScanInputs, options: ScanCallOptions = {}): Promise<ScanResults> {
  const { seed = 0, detectors = defaultDetectors(), signal, onProgress, ...rest } = options;
  const scanOptions: ScanOptions = { ...DEFAULT_OPTIONS, ...rest };
  const { table, train, schema, model, encoder } = inputs;
  const pipeline = encoder ? makePipeline(model, encoder) : undefined;
  const raw = encoder ? rawMatrixFromTable(table, encoder.features) : undefined;
  const trainRaw = encoder && train ? rawMatrixFromTable(train, encoder.features) : undefined;
  let outputs: Float32Array;
  if (pipeline && raw) outputs = await pipeline.predictRaw(raw, { signal });
  else if (inputs.x) outputs = await model.predict(inputs.x, { signal });
  else throw new GlassboxError('invalid_argument', 'scan: pass an encoder (tabular data) or the model input `x` for the rows to audit.', { argument: 'inputs' });
  if (outputs.length !== table.nRows * model.outputWidth) {
    throw new GlassboxError('shape_mismatch', `scan: the model returned ${outputs.length} values for ${table.nRows} rows; expected ${table.nRows * model.outputWidth}.`);
  }
  const labels = scanLabels(table, schema);
  const classes = model.task === 'regression' ? [] : [...model.classes];
  return runScan(
    {
      table,
      ...(train ? { train } : {}),
      schema,
      model,
      ...(pipeline ? { pipeline } : {}),
      ...(raw ? { raw } : {}),
      ...(trainRaw ? { trainRaw } : {}),
      ...(inputs.x ? { x: inputs.x } : {}),
      ...(inputs.trainX ? { trainX: inputs.trainX } : {}),
      ...(inputs.text ? { text: inputs.text } : {}),
      outputs,
      labels,
      classes,
      seed,
      ...(signal ? { signal } : {}),
      options: scanOptions,
    },
    { detectors, describe: inputs.describe ?? { data: table.source ?? '(in memory)', model: '(in memory)' }, version: VERSION, warnings: inputs.warnings ?? [], ...(onProgress ? { onProgress } : {}) },
  );
}

/** Labels as the detectors read them: class index per row (-1 = missing), or the regression target (NaN = missing). */
export function scanLabels(table: Table, schema: Schema): Float64Array {
  const target = schema.target;
  if (!target) return new Float64Array(table.nRows).fill(Number.NaN);
  if (target.task !== 'regression') return Float64Array.from(labelsOf(table, schema));
  const column = findColumn(table, target.name);
  if (column?.kind !== 'numeric') {
    throw new GlassboxError('schema_mismatch', `The regression target "${target.name}" is not a numeric column of ${table.source ?? 'the data'}.`, { column: target.name });
  }
  return column.values;
}
