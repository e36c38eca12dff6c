import { GlassboxError } from '../errors.js';
import { applySchema } from '../data/apply-schema.js';
import { inferSchema } from '../data/infer-schema.js';
import { loadTable } from '../data/load-table.js';
import { loadSchema } from '../data/parse-schema.js';
import { splitTrainTest } from '../data/schema-helpers.js';
import type { Schema, FeatureSpec } from '../data/schema.js';
import { findColumn, type Table } from '../data/table.js';
import type { Encoder } from '../encode/encoder.js';
import { fitEncoder, loadEncoderFile } from '../encode/public.js';
import { rawMatrixFromTable } from '../encode/raw-matrix.js';
import { isTreeEnsemble } from '../model/capabilities.js';
import { loadModel } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import type { ScanInputs } from '../scan/scan.js';
import { isImageData, loadImageInputs } from './image-inputs.js';
import { loadDemoInputs } from './load-demo.js';
import { textInputs } from './text-inputs.js';
import { parseChoice } from './options.js';

/** The flags every command that reads a model and data shares. */
export interface InputFlags {
  demo?: string;
  data?: string;
  model?: string;
  schema?: string;
  preprocess?: string;
  target?: string;
  delimiter?: string;
  missing?: string;
  /** Image data as a .npy tensor: its labels, one class index per image. */
  labels?: string;
  /** A text model: the bag-of-words encoder JSON saved with it (the data then holds a text column). */
  textEncoder?: string;
}

export interface LoadInputsOptions {
  readonly seed: number;
  /** 'test' (default): the test split when the schema has one; 'all': every row. */
  readonly rows?: 'test' | 'all';
  /** Whether the data must carry labels (default true). */
  readonly requireLabels?: boolean;
}

export interface LoadedInputs extends ScanInputs {
  /** Every row (train and test), for commands that pick their own rows. */
  readonly all: Table;
  /** Built-in demos: what was planted in the data (written as ground-truth.json beside the results). */
  readonly groundTruth?: unknown;
}

/**
 * Resolves --demo or --data/--model/--schema/--preprocess into validated inputs: the data is loaded and
 * checked against the schema, the model is loaded, and the encoder is read or fitted and checked
 * against the model's input width — all before any long computation.
 */
export async function loadInputs(flags: InputFlags, options: LoadInputsOptions): Promise<LoadedInputs> {
  if (flags.demo) {
    if (flags.data || flags.model) throw new GlassboxError('invalid_argument', 'Use either --demo or --data/--model, not both.', { argument: '--demo' });
    return loadDemoInputs(flags.demo, options);
  }
  if (!flags.data) throw new GlassboxError('invalid_argument', 'Missing --data: name the data file to audit (CSV, Parquet, JSONL or Arrow), or use --demo.', { argument: '--data', hint: 'e.g. glassbox scan --data test.csv --model model.onnx' });
  if (!flags.model) throw new GlassboxError('invalid_argument', 'Missing --model: name the model file or endpoint, or use --demo.', { argument: '--model', hint: 'e.g. glassbox scan --data test.csv --model model.onnx' });
  if (isImageData(flags.data)) {
    const misplaced = flags.schema ? '--schema' : flags.preprocess ? '--preprocess' : flags.textEncoder ? '--text-encoder' : undefined;
    if (misplaced) throw new GlassboxError('invalid_argument', `${flags.data} is image data: ${misplaced} applies to tabular or text files.`, { argument: misplaced, hint: 'Drop the flag; labels come from the subfolders or --labels y.npy.' });
    return loadImageInputs({ data: flags.data, model: flags.model, ...(flags.labels ? { labels: flags.labels } : {}) }, options);
  }
  if (flags.labels) throw new GlassboxError('invalid_argument', '--labels applies to image data (.npy); tabular files carry their label column.', { argument: '--labels', hint: 'Name the label column with --target or in the schema.' });
  if (flags.textEncoder && flags.preprocess) throw new GlassboxError('invalid_argument', '--text-encoder and --preprocess both say how to encode the data; a text model takes only --text-encoder.', { argument: '--preprocess', hint: 'Drop --preprocess.' });
  const givenSchema = flags.schema ? loadSchema(flags.schema) : undefined;
  const loaded = await loadTable(flags.data, { ...(givenSchema ? { schema: givenSchema } : {}), ...(flags.delimiter ? { delimiter: flags.delimiter } : {}) });
  const inferred = givenSchema ?? inferSchema(loaded, flags.target ? { target: flags.target } : {});
  const schema = options.requireLabels === false ? withoutAbsentTarget(inferred, loaded) : inferred;
  if (options.requireLabels !== false && !schema.target) {
    throw new GlassboxError('schema_mismatch', `${flags.data}: no label column is known, so the model cannot be audited.`, { file: flags.data, hint: 'Name it with --target COLUMN or in the schema ("target").' });
  }
  const table = applySchema(loaded, schema, { missing: parseChoice('--missing', flags.missing, ['error', 'drop', 'impute'] as const, schema.missing ?? 'error') });
  const split = schema.split ? splitTrainTest(table, schema) : undefined;
  const model = await loadModel(flags.model, modelHints(schema));
  const audited = options.rows === 'all' || !split ? table : split.test;
  const describe = { data: flags.data, model: flags.model };
  const train = split && options.rows !== 'all' ? split.train : undefined;
  if (flags.textEncoder) {
    try {
      const text = await textInputs({ encoderFile: flags.textEncoder, data: flags.data, schema, model, audited, ...(train ? { train } : {}) });
      return { table: audited, ...(train ? { train } : {}), all: table, schema, model, describe, ...text };
    } catch (error) {
      await model.dispose?.();
      throw error;
    }
  }
  const encoder = flags.preprocess ? await loadEncoderFile(flags.preprocess) : defaultEncoder(model, split?.train ?? table, schema);
  checkEncoderFitsModel(encoder, model, flags);
  return { table: audited, ...(train ? { train } : {}), all: table, schema, model, encoder, describe };
}

/** Scoring needs no labels: a target column the data does not have is left out of the schema. */
function withoutAbsentTarget(schema: Schema, table: Table): Schema {
  if (!schema.target || findColumn(table, schema.target.name)) return schema;
  const { target: _target, ...rest } = schema;
  return rest;
}

function modelHints(schema: Schema): { task?: Model['task']; classes?: readonly string[] } {
  const target = schema.target;
  if (!target) return {};
  return { task: target.task, ...(target.classes ? { classes: target.classes } : {}) };
}

/** Tree models consume ordinal codes as they are; other models get standardize + one-hot fitted on training rows. */
function defaultEncoder(model: Model, fitRows: Table, schema: Schema): Encoder {
  const features = schema.features.filter((f): f is FeatureSpec => f.type === 'numeric' || f.type === 'categorical');
  const raw = rawMatrixFromTable(fitRows, features);
  if (isTreeEnsemble(model)) return fitEncoder(raw, features, { numeric: 'passthrough', categorical: 'ordinal' });
  return fitEncoder(raw, features);
}

function checkEncoderFitsModel(encoder: Encoder, model: Model, flags: InputFlags): void {
  const expected = model.inputSpec.shape[model.inputSpec.shape.length - 1];
  if (typeof expected === 'number' && expected !== encoder.outputWidth) {
    throw new GlassboxError(
      'shape_mismatch',
      `${flags.model} takes ${expected} input columns but the ${flags.preprocess ? `encoder in ${flags.preprocess}` : 'encoder fitted on the data'} produces ${encoder.outputWidth}.`,
      { file: flags.model, hint: flags.preprocess ? 'Check that the preprocess file belongs to this model.' : 'Pass the preprocessing the model was trained with: --preprocess FILE.' },
    );
  }
}
