import { GlassboxError } from '../errors.js';
import { applySchema } from '../data/apply-schema.js';
import { inferSchema } from '../data/infer-schema.js';
import { loadTable } from '../data/load-table.js';
import { loadSchema } from '../data/parse-schema.js';
import { splitTrainTest } from '../data/schema-helpers.js';
import { protectedFromColumns } from '../data/protected-columns.js';
import type { Schema } from '../data/schema.js';
import { findColumn, type Table } from '../data/table.js';
import type { Encoder } from '../encode/encoder.js';
import { declarativeEncoder } from '../encode/declarative.js';
import { loadEncoderFile } from '../encode/json.js';
import { resolveEncoding, schemaWithCategories, schemaWithEncoderCategories, tabularFeatures, type EncodingSource, type InputWarning } from '../encode/resolve-encoding.js';
import { conformCategories, UNKNOWN_CATEGORY_POLICIES, type UnknownCategories, type UnknownCategoryPolicy } from '../encode/unknown-categories.js';
import { isTreeEnsemble } from '../model/capabilities.js';
import type { TreeEnsemble } from '../model/trees/ir.js';
import { loadModel } from '../model/load-model.js';
import type { Model } from '../model/model.js';
import type { ScanInputs } from '../scan/scan.js';
import { excludeOutcomeColumns, refuseOutcomeColumns } from '../slice/outcome-columns.js';
import { isImageData } from './input-kind.js';
import { printInputWarnings } from './input-warnings.js';
import { parseChoice, parseList } from './options.js';
import { labelColumn } from './input-options.js';

/** The flags every command that reads a model and data shares. */
export interface InputFlags {
  demo?: string;
  data?: string;
  model?: string;
  schema?: string;
  preprocess?: string;
  /** The label column (`--target`, or its alias `--label`). */
  target?: string;
  label?: string;
  delimiter?: string;
  missing?: string;
  /** Image data as a .npy tensor: its labels, one class index per image. */
  labels?: string;
  /** A text model: the bag-of-words encoder JSON saved with it (the data then holds a text column). */
  textEncoder?: string;
  /** Categories the encoding does not list: error (default), ignore or most-frequent. */
  unknownCategory?: string;
  /** Protected attributes by name: the schema's specs, or columns (numbers split at their quartiles). */
  protected?: string;
}

export interface LoadInputsOptions {
  readonly seed: number;
  /** 'test' (default): the test split when the schema has one; 'all': every row. */
  readonly rows?: 'test' | 'all';
  /** Whether the data must carry labels (default true). */
  readonly requireLabels?: boolean;
  /** A model already loaded from --model (e.g. through the gradient adapter), used instead of loading it again. */
  readonly model?: Model;
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
    // demos, images and text models need their own engines (tfjs, sharp): imported only for them
    const { loadDemoInputs } = await import('./load-demo.js');
    return loadDemoInputs(flags.demo, options);
  }
  if (!flags.data) throw new GlassboxError('invalid_argument', 'Missing --data: name the data file to audit (CSV, Parquet, JSONL or Arrow), or use --demo.', { argument: '--data', hint: 'e.g. glassbox scan --data test.csv --model model.onnx' });
  if (!flags.model) throw new GlassboxError('invalid_argument', 'Missing --model: name the model file or endpoint, or use --demo.', { argument: '--model', hint: 'e.g. glassbox scan --data test.csv --model model.onnx' });
  if (isImageData(flags.data)) {
    const misplaced = flags.schema ? '--schema' : flags.preprocess ? '--preprocess' : flags.textEncoder ? '--text-encoder' : undefined;
    if (misplaced) throw new GlassboxError('invalid_argument', `${flags.data} is image data: ${misplaced} applies to tabular or text files.`, { argument: misplaced, hint: 'Drop the flag; labels come from the subfolders or --labels y.npy.' });
    const { loadImageInputs } = await import('./image-inputs.js');
    return loadImageInputs({ data: flags.data, model: flags.model, ...(flags.labels ? { labels: flags.labels } : {}) }, options);
  }
  if (flags.labels) throw new GlassboxError('invalid_argument', '--labels applies to image data (.npy); tabular files carry their label column.', { argument: '--labels', hint: 'Name the label column with --target or in the schema.' });
  if (flags.textEncoder && flags.preprocess) throw new GlassboxError('invalid_argument', '--text-encoder and --preprocess both say how to encode the data; a text model takes only --text-encoder.', { argument: '--preprocess', hint: 'Drop --preprocess.' });
  const unknownPolicy = parseChoice('--unknown-category', flags.unknownCategory, UNKNOWN_CATEGORY_POLICIES, 'error');
  const givenSchema = flags.schema ? loadSchema(flags.schema) : undefined;
  const preprocess = flags.preprocess ? await loadEncoderFile(flags.preprocess) : undefined;
  // categories are coded against the encoding (conformCategories below), never refitted from this file
  const loaded = await loadTable(flags.data, { ...(givenSchema ? { schema: withoutFeatureCategories(givenSchema) } : {}), ...(flags.delimiter ? { delimiter: flags.delimiter } : {}) });
  const target = labelColumn(flags);
  const inferred = givenSchema ?? inferSchema(loaded, target ? { target } : {});
  const scoring = options.requireLabels === false ? withoutAbsentLabelColumns(inferred, loaded) : inferred;
  const readWith = (encoding: Encoder | undefined): Schema => withProtected(encoding ? schemaWithEncoderCategories(scoring, encoding, { onlyEncoded: !givenSchema }) : scoring, loaded, flags.protected);
  let schema = readWith(preprocess);
  if (options.requireLabels !== false && !schema.target) {
    throw new GlassboxError('schema_mismatch', `${flags.data}: no label column is known, so the model cannot be audited.`, { file: flags.data, hint: 'Name it with --target COLUMN or in the schema ("target").' });
  }
  const missing = parseChoice('--missing', flags.missing, ['error', 'drop', 'impute'] as const, schema.missing ?? 'error');
  let applied = applySchema(loaded, withoutFeatureCategories(schema), { missing });
  if (flags.textEncoder) return loadTextInputs(flags, options, applied, schema);
  const model = options.model ?? (await loadModel(flags.model, modelHints(inferred)));
  try {
    // a model that encodes its raw columns itself (an ONNX pipeline with string inputs) gives the encoding, as --preprocess would
    const embedded = preprocess ? undefined : embeddedEncoder(model);
    if (embedded) {
      schema = readWith(embedded);
      applied = applySchema(loaded, withoutFeatureCategories(schema), { missing });
    }
    const encoding = preprocess ?? embedded;
    // a tree model file may hold its category lists: with no schema or preprocess spec, they give the codes
    const modelCategories = givenSchema || encoding ? undefined : categoriesOf(model);
    const encoded = modelCategories ? schemaWithCategories(schema, modelCategories) : schema;
    const conformed = conformCategories(applied, encoding?.features ?? tabularFeatures(encoded), { policy: unknownPolicy });
    const table = conformed.table;
    const split = encoded.split ? splitTrainTest(table, encoded) : undefined;
    const resolved = resolveEncoding({ schema: encoded, schemaGiven: givenSchema !== undefined, treeModel: isTreeEnsemble(model), ...(preprocess ? { preprocess } : {}), ...(embedded ? { embedded } : {}), ...(modelCategories ? { modelCategories } : {}), fitRows: split?.train ?? table, handleUnknown: unknownPolicy === 'ignore' ? 'ignore' : 'error', dataName: flags.data, modelName: flags.model });
    const encoder = resolved.encoder;
    checkEncoderFitsModel(encoder, model, flags, resolved.source);
    const warnings = [...resolved.warnings, ...conformed.unknown.map((u) => unknownCategoryWarning(u, unknownPolicy, flags.data!))];
    const audited = options.rows === 'all' || !split ? table : split.test;
    const train = split && options.rows !== 'all' ? split.train : undefined;
    printInputWarnings(warnings);
    return { table: audited, ...(train ? { train } : {}), all: table, schema: encoded, model, encoder, describe: { data: flags.data, model: flags.model }, warnings };
  } catch (error) {
    await model.dispose?.();
    throw error;
  }
}

/**
 * Another file of rows for the same model (an explain background): read with the same schema (its
 * label and split columns may be absent) and coded against the same encoding, under the same
 * --unknown-category policy. Never refits anything from this file.
 */
export async function loadMoreRows(file: string, inputs: { readonly schema: Schema; readonly encoder: Encoder }, flags: Pick<InputFlags, 'delimiter' | 'missing' | 'unknownCategory'>): Promise<Table> {
  const policy = parseChoice('--unknown-category', flags.unknownCategory, UNKNOWN_CATEGORY_POLICIES, 'error');
  const reading = withoutFeatureCategories(inputs.schema);
  const loaded = await loadTable(file, { schema: reading, ...(flags.delimiter ? { delimiter: flags.delimiter } : {}) });
  const schema = withoutAbsentLabelColumns(reading, loaded);
  const applied = applySchema(loaded, schema, { missing: parseChoice('--missing', flags.missing, ['error', 'drop', 'impute'] as const, schema.missing ?? 'error') });
  const conformed = conformCategories(applied, inputs.encoder.features, { policy });
  printInputWarnings(conformed.unknown.map((u) => unknownCategoryWarning(u, policy, file)));
  return conformed.table;
}

async function loadTextInputs(flags: InputFlags, options: LoadInputsOptions, table: Table, schema: Schema): Promise<LoadedInputs> {
  const split = schema.split ? splitTrainTest(table, schema) : undefined;
  const model = options.model ?? (await loadModel(flags.model!, modelHints(schema)));
  const audited = options.rows === 'all' || !split ? table : split.test;
  const train = split && options.rows !== 'all' ? split.train : undefined;
  try {
    const { textInputs } = await import('./text-inputs.js');
    const text = await textInputs({ encoderFile: flags.textEncoder!, data: flags.data!, schema, model, audited, ...(train ? { train } : {}) });
    return { table: audited, ...(train ? { train } : {}), all: table, schema, model, describe: { data: flags.data!, model: flags.model! }, ...text };
  } catch (error) {
    await model.dispose?.();
    throw error;
  }
}

/** Rows to score need no labels: a target or split column the data does not have is left out of the schema. */
function withoutAbsentLabelColumns(schema: Schema, table: Table): Schema {
  const { target, split, ...rest } = schema;
  const keepTarget = target !== undefined && findColumn(table, target.name) !== undefined;
  const keepSplit = split !== undefined && findColumn(table, split.column) !== undefined;
  return { ...rest, ...(keepTarget ? { target } : {}), ...(keepSplit ? { split } : {}) };
}

/** The schema without feature category lists: the loader keeps each file's own values, and conformCategories codes them. */
function withoutFeatureCategories(schema: Schema): Schema {
  return { ...schema, features: schema.features.map((f) => (f.type === 'categorical' ? { name: f.name, type: f.type } : f)) };
}

/** `--protected a,b`: the schema's protected specs of those names, or the columns themselves. */
function withProtected(schema: Schema, table: Table, flag: string | undefined): Schema {
  if (flag === undefined) return schema;
  const names = parseList(flag);
  if (names.length === 0) throw new GlassboxError('invalid_argument', '--protected names no attribute.', { argument: '--protected', hint: 'e.g. --protected sex,age' });
  const specs = protectedFromColumns(table, names, schema.protected ?? []);
  const { excluded } = excludeOutcomeColumns(table, specs.map((p) => p.column), { label: schema.target?.name, split: schema.split?.column });
  refuseOutcomeColumns(excluded, '--protected');
  return { ...schema, protected: specs };
}

function unknownCategoryWarning(u: UnknownCategories, policy: UnknownCategoryPolicy, data: string): InputWarning {
  const values = u.values.slice(0, 5).map((v) => JSON.stringify(v)).join(', ');
  const rows = u.rowIds.slice(0, 10).join(', ') + (u.count > 10 ? ', …' : '');
  const what = policy === 'ignore' ? 'treated as missing (--unknown-category ignore)' : `replaced by the most frequent category ${JSON.stringify(u.replacement)} (--unknown-category most-frequent)`;
  return { code: 'unknown-categories', message: `${u.count} rows of ${data} hold categories of "${u.column}" the encoding does not list (${values}); they were ${what}. Data rows (0-based, header excluded): ${rows}.` };
}

/**
 * The encoder of a model that takes raw columns and encodes them inside (Model.inputColumns): numbers
 * pass through, categories become their index in the model's own list.
 */
function embeddedEncoder(model: Model): Encoder | undefined {
  const columns = model.inputColumns;
  if (!columns) return undefined;
  const steps = columns.map((c) => (c.kind === 'categorical' ? { column: c.name, kind: 'ordinal' as const, categories: [...(c.categories ?? [])] } : { column: c.name, kind: 'passthrough' as const }));
  return declarativeEncoder({ steps }, `${model.inputSpec.name} (the model's inputs)`);
}

/** Category lists a tree model file holds (LightGBM pandas categories), by feature name. */
function categoriesOf(model: Model): ReadonlyMap<string, readonly string[]> | undefined {
  if (!isTreeEnsemble(model)) return undefined;
  const ensemble = model.treeEnsemble() as TreeEnsemble;
  const lists = ensemble.featureCategories;
  if (!lists) return undefined;
  const map = new Map<string, readonly string[]>();
  lists.forEach((list, j) => list && map.set(ensemble.featureNames[j]!, list));
  return map.size > 0 ? map : undefined;
}

function modelHints(schema: Schema): { task?: Model['task']; classes?: readonly string[] } {
  const target = schema.target;
  if (!target) return {};
  return { task: target.task, ...(target.classes ? { classes: target.classes } : {}) };
}

function checkEncoderFitsModel(encoder: Encoder, model: Model, flags: InputFlags, source: EncodingSource): void {
  const expected = model.inputSpec.shape[model.inputSpec.shape.length - 1];
  if (typeof expected !== 'number' || expected === encoder.outputWidth) return;
  const produced = {
    model: `the model's category lists and the numeric columns of ${flags.data ?? 'the data'} give ${encoder.outputWidth} columns (${encoder.features.map((f) => f.name).join(', ')})`,
    preprocess: `the encoder in ${flags.preprocess ?? ''} produces ${encoder.outputWidth}`,
    schema: `the schema's features encode to ${encoder.outputWidth} (${encoder.features.length} features)`,
    'raw-columns': `${flags.data ?? 'the data'} has ${encoder.outputWidth} feature columns (${encoder.features.map((f) => f.name).join(', ')})`,
  }[source];
  const hint = {
    model: 'Name the label column with --target (it is not a feature), or pass --schema to say which columns the model takes.',
    preprocess: 'Check that the preprocess file belongs to this model.',
    schema: 'Pass the encoder spec the model was trained with: --preprocess FILE.',
    'raw-columns': 'Name the label column with --target (it is not a feature), or pass --schema / --preprocess to say which columns the model takes.',
  }[source];
  throw new GlassboxError('shape_mismatch', `${flags.model ?? 'The model'} takes ${expected} input columns but ${produced}.`, { file: flags.model, hint });
}
