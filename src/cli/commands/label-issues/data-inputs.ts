import { GlassboxError } from '../../../errors.js';
import { applySchema } from '../../../data/apply-schema.js';
import { inferSchema } from '../../../data/infer-schema.js';
import { loadTable } from '../../../data/load-table.js';
import { loadSchema } from '../../../data/parse-schema.js';
import { toCategorical } from '../../../data/column-convert.js';
import type { FeatureSpec, Schema } from '../../../data/schema.js';
import { findColumn, type Table } from '../../../data/table.js';
import type { RawMatrix } from '../../../encode/encoder.js';
import { fitEncoder } from '../../../encode/fit.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { tabularFeatures } from '../../../encode/resolve-encoding.js';
import type { ConcentrationFeature } from '../../../labels/concentration.js';
import { labelColumn } from '../../input-options.js';
import { parseChoice } from '../../options.js';

/** Labelled rows with the features a cross-fitted baseline learns from. */
export interface BaselineInputs {
  /** n × d encoded features (numeric standardised, categorical one-hot), row-major. */
  readonly x: Float64Array;
  readonly d: number;
  readonly labels: Int32Array;
  readonly classes: readonly string[];
  readonly rowIds: Int32Array;
  /** Raw features of the same rows, for the concentration table. */
  readonly raw: RawMatrix;
  readonly features: readonly ConcentrationFeature[];
  readonly source: string;
}

export interface DataFlags {
  data?: string;
  target?: string;
  label?: string;
  schema?: string;
  delimiter?: string;
  missing?: string;
}

/** Reads a labelled table without a model: the schema is given or inferred, every labelled row is used. */
export async function loadBaselineInputs(flags: DataFlags): Promise<BaselineInputs> {
  if (!flags.data) throw new GlassboxError('invalid_argument', 'Missing --data: name the labelled data file (CSV, Parquet, JSONL or Arrow), or use --demo.', { argument: '--data', hint: 'e.g. glassbox label-issues --data train.csv --target y' });
  const given = flags.schema ? loadSchema(flags.schema) : undefined;
  const target = labelColumn(flags);
  if (given?.target && target && given.target.name !== target) throw new GlassboxError('invalid_argument', `--target "${target}" differs from the schema's target "${given.target.name}".`, { argument: '--target', hint: 'Drop --target or fix the schema.' });
  const loaded = await loadTable(flags.data, { ...(given ? { schema: given } : {}), ...(flags.delimiter ? { delimiter: flags.delimiter } : {}) });
  const inferred = given ?? inferSchema(loaded, target ? { target } : {});
  const schema: Schema = given && target && !given.target ? inferSchema(loaded, { target }) : inferred;
  if (!schema.target) throw new GlassboxError('schema_mismatch', `${flags.data}: no label column is known.`, { file: flags.data, hint: 'Name it with --target COLUMN or in the schema ("target").' });
  if (schema.target.task === 'regression') throw new GlassboxError('invalid_argument', `${flags.data}: "${schema.target.name}" is a regression target; label issues need class labels.`, { column: schema.target.name, hint: 'Give a classification target (a categorical or integer-coded column), or set "task" in the schema.' });
  const missing = parseChoice('--missing', flags.missing, ['error', 'drop', 'impute'] as const, schema.missing ?? 'error');
  const table = applySchema(loaded, schema, { missing });
  const features = tabularFeatures(schema).map((f) => withCategories(f, table));
  if (features.length === 0) throw new GlassboxError('invalid_input', `${flags.data}: no numeric or categorical feature for the baseline to learn from.`, { file: flags.data, hint: 'Give --model for image or text data (its probabilities on rows it did not train on).' });
  const labelled = toCategorical(table, findColumn(table, schema.target.name)!, { categories: schema.target.classes, role: 'class', file: flags.data });
  const codes = labelled.codes;
  const rows = Int32Array.from(Array.from(codes.keys()).filter((i) => codes[i]! >= 0));
  const raw = rawMatrixFromTable(table, features);
  const encoder = fitEncoder(raw, features);
  const encoded = encoder.encode(raw);
  const d = encoder.outputWidth;
  const x = new Float64Array(rows.length * d);
  rows.forEach((i, t) => x.set(encoded.subarray(i * d, (i + 1) * d), t * d));
  const f = raw.nFeatures;
  const rawRows = new Float64Array(rows.length * f);
  rows.forEach((i, t) => rawRows.set(raw.data.subarray(i * f, (i + 1) * f), t * f));
  return { x, d, labels: Int32Array.from(rows, (i) => codes[i]!), classes: [...labelled.categories], rowIds: Int32Array.from(rows, (i) => table.rowIds[i]!), raw: { data: rawRows, nRows: rows.length, nFeatures: f }, features: features.map((f) => ({ name: f.name, type: f.type === 'categorical' ? 'categorical' : 'numeric', ...(f.categories ? { categories: f.categories } : {}) })), source: flags.data };
}

function withCategories(feature: FeatureSpec, table: Table): FeatureSpec {
  if (feature.type !== 'categorical' || feature.categories?.length) return feature;
  const column = table.columns.find((c) => c.name === feature.name);
  return column?.kind === 'categorical' ? { ...feature, categories: [...column.categories] } : feature;
}
