import type { FeatureSpec, Schema } from '../data/schema.js';
import type { Table } from '../data/table.js';
import { GlassboxError } from '../errors.js';
import type { Encoder } from './encoder.js';
import { fitEncoder } from './fit.js';
import { rawMatrixFromTable } from './raw-matrix.js';
import { ignoringUnknownCategories } from './unknown-categories.js';

/**
 * Where a model's input encoding came from:
 * - 'preprocess': an encoder spec the user gave (`--preprocess`);
 * - 'schema': category lists (one-hot positions, ordinal codes) from a schema the user gave;
 * - 'model': the model file: category lists a tree model holds (LightGBM's `pandas_categorical`,
 *   XGBoost's `cats`), or the encoders inside an ONNX pipeline that takes raw columns;
 * - 'raw-columns': nothing to encode — every feature is a number handed to the model as it is,
 *   with the feature list inferred from the data (reported as a warning).
 */
export type EncodingSource = 'preprocess' | 'schema' | 'model' | 'raw-columns';

/** Something the user should know about how the inputs were read, shown in results.json and the report. */
export interface InputWarning {
  /** Stable identifier, e.g. 'schema-inferred', 'scaling-fitted', 'unknown-categories'. */
  readonly code: string;
  readonly message: string;
}

export interface ResolveEncodingInput {
  /** The schema the rows were read with (given, or inferred from the data). */
  readonly schema: Schema;
  /** Whether the schema was given by the user (its category lists then define the codes). */
  readonly schemaGiven: boolean;
  /** The model splits on raw values and ordinal codes (a tree ensemble) rather than taking a one-hot vector. */
  readonly treeModel: boolean;
  /** An encoder the user gave (`--preprocess`); used as is. */
  readonly preprocess?: Encoder;
  /** The encoding a model carries inside (raw-column inputs with their category lists); used as is. */
  readonly embedded?: Encoder;
  /** Rows to fit numeric scaling on when the schema gives categories but no scaling (the training split). */
  readonly fitRows: Table;
  /**
   * Category lists the model file holds, by feature name (a tree model's pandas categories). With no
   * schema and no preprocess spec they give the codes; `schema` should already carry them
   * (see {@link schemaWithCategories}).
   */
  readonly modelCategories?: ReadonlyMap<string, readonly string[]>;
  /** 'ignore': unknown categories were let through as missing (`--unknown-category ignore`). */
  readonly handleUnknown?: 'error' | 'ignore';
  /** Names for messages. */
  readonly dataName: string;
  readonly modelName: string;
}

export interface ResolvedEncoding {
  readonly encoder: Encoder;
  readonly source: EncodingSource;
  readonly warnings: readonly InputWarning[];
}

/** The numeric and categorical features of a schema (text and image columns are not tabular inputs). */
export function tabularFeatures(schema: Schema): FeatureSpec[] {
  return schema.features.filter((f): f is FeatureSpec => f.type === 'numeric' || f.type === 'categorical');
}

/**
 * Decides how raw columns become the model's input, and never invents an encoding for a model that
 * consumes encoded inputs: the encoding comes from `preprocess`, from the category lists of a schema
 * the user gave, or from those the model file holds. Without either, categorical columns would have to be coded from whatever file is
 * given (codes change with the file, and so would the predictions): that is refused with the flags that
 * provide the encoding. Only when every feature is numeric does the model take the raw columns, and the
 * inferred feature list is reported as a warning.
 */
export function resolveEncoding(input: ResolveEncodingInput): ResolvedEncoding {
  if (input.preprocess) return { encoder: input.handleUnknown === 'ignore' ? ignoringUnknownCategories(input.preprocess) : input.preprocess, source: 'preprocess', warnings: [] };
  if (input.embedded) return { encoder: input.handleUnknown === 'ignore' ? ignoringUnknownCategories(input.embedded) : input.embedded, source: 'model', warnings: [] };
  const features = tabularFeatures(input.schema);
  const handleUnknown = input.handleUnknown ?? 'error';
  const raw = (): ReturnType<typeof rawMatrixFromTable> => rawMatrixFromTable(input.fitRows, features);
  if (input.schemaGiven) {
    if (input.treeModel) return { encoder: fitEncoder(raw(), features, { numeric: 'passthrough', categorical: 'ordinal', handleUnknown }), source: 'schema', warnings: [] };
    const numeric = features.filter((f) => f.type === 'numeric').map((f) => f.name);
    const warnings: InputWarning[] = numeric.length === 0 ? [] : [{
      code: 'scaling-fitted',
      message: `The schema gives category lists but no scaling, so the numeric features (${list(numeric)}) were standardized with the mean and standard deviation of ${input.fitRows.nRows} training rows of ${input.dataName}. If ${input.modelName} was trained with other scaling, its outputs here are wrong: pass --preprocess with the encoder it was trained with.`,
    }];
    return { encoder: fitEncoder(raw(), features, { handleUnknown }), source: 'schema', warnings };
  }
  const categorical = features.filter((f) => f.type === 'categorical').map((f) => f.name);
  if (categorical.length > 0 && input.treeModel && categorical.every((name) => input.modelCategories?.has(name))) {
    return { encoder: fitEncoder(raw(), features, { numeric: 'passthrough', categorical: 'ordinal', handleUnknown }), source: 'model', warnings: [] };
  }
  if (categorical.length > 0) {
    throw new GlassboxError('invalid_argument', `${input.modelName} takes encoded inputs, and nothing says how to encode the categorical column${categorical.length === 1 ? '' : 's'} ${list(categorical)}: coding them from ${input.dataName} would give codes that change with the file, and so would the predictions.`, {
      argument: '--schema',
      hint: `Pass --schema FILE (its category lists fix ${input.treeModel ? 'the ordinal codes' : 'the one-hot positions'}) or --preprocess FILE (the encoder spec the model was trained with).`,
    });
  }
  const encoder = fitEncoder(raw(), features, { numeric: 'passthrough' });
  return {
    encoder,
    source: 'raw-columns',
    warnings: [{
      code: 'schema-inferred',
      message: `No --schema or --preprocess: the features were inferred from ${input.dataName} (${list(features.map((f) => f.name))}${input.schema.target ? `; label ${input.schema.target.name}` : ''}) and ${input.modelName} is given these raw numeric columns in this order, unscaled.`,
    }],
  };
}

function list(names: readonly string[]): string {
  return names.length > 8 ? `${names.slice(0, 8).join(', ')}, … (${names.length} in all)` : names.join(', ');
}

/** The schema with these features' category lists (e.g. those a model file holds) instead of the data's. */
export function schemaWithCategories(schema: Schema, categories: ReadonlyMap<string, readonly string[]>): Schema {
  return { ...schema, features: schema.features.map((f): FeatureSpec => (categories.has(f.name) ? { name: f.name, type: 'categorical', categories: [...categories.get(f.name)!] } : f)) };
}

/**
 * The schema with the features an encoder encodes described by the encoder (type and category list), so
 * rows are read against the categories the model was trained with, not those of whichever file is
 * given. With `onlyEncoded` (no schema was given, the features were inferred) the features become
 * exactly the encoder's, in its order; other columns stay in the data as extra columns.
 */
export function schemaWithEncoderCategories(schema: Schema, encoder: Encoder, options: { onlyEncoded?: boolean } = {}): Schema {
  const spec = (f: Encoder['features'][number]): FeatureSpec => (f.type === 'categorical' ? { name: f.name, type: 'categorical', categories: [...(f.categories ?? [])] } : { name: f.name, type: 'numeric' });
  if (options.onlyEncoded) {
    const taken = new Set([schema.target?.name, schema.split?.column]);
    return { ...schema, features: encoder.features.filter((f) => !taken.has(f.name)).map(spec) };
  }
  const byName = new Map(encoder.features.map((f) => [f.name, f]));
  return { ...schema, features: schema.features.map((f) => (byName.has(f.name) ? spec(byName.get(f.name)!) : f)) };
}
