import { GlassboxError } from '../errors.js';
import { applySchema } from '../data/apply-schema.js';
import { inferSchema } from '../data/infer-schema.js';
import { loadTable } from '../data/load-table.js';
import { loadSchema } from '../data/parse-schema.js';
import { labelsOf, splitTrainTest } from '../data/schema-helpers.js';
import type { FeatureSpec, Schema } from '../data/schema.js';
import type { Table } from '../data/table.js';
import type { RawMatrix } from '../encode/encoder.js';
import { rawMatrixFromTable } from '../encode/raw-matrix.js';
import type { InputWarning } from '../encode/resolve-encoding.js';
import { tabularFeatures } from '../encode/resolve-encoding.js';
import type { LearnerFeature } from '../model/interpretable/binning.js';
import { crossFittedGam } from '../model/interpretable/cross-fitted.js';
import { fitGam } from '../model/interpretable/gam/fit-gam.js';
import { gamModel } from '../model/interpretable/gam/gam-model.js';
import type { Model } from '../model/model.js';
import { labelColumn } from './input-options.js';
import { parseChoice } from './options.js';

export interface DataOnlyFlags {
  data?: string;
  schema?: string;
  target?: string;
  label?: string;
  delimiter?: string;
  missing?: string;
}

/** Labelled tabular data without a model: the schema (given or inferred), every row, and the split when the schema has one. */
export interface TrainingData {
  readonly source: string;
  readonly schema: Schema;
  readonly all: Table;
  readonly split?: { readonly train: Table; readonly test: Table };
  readonly features: LearnerFeature[];
  readonly classes: readonly string[];
}

/** The learner features of a schema: numeric and categorical columns, categories from the data when the schema lists none. */
export function learnerFeatures(schema: Schema, table: Table): LearnerFeature[] {
  return tabularFeatures(schema).map((f: FeatureSpec): LearnerFeature => {
    if (f.type !== 'categorical') return { name: f.name, type: 'numeric' };
    const column = table.columns.find((c) => c.name === f.name);
    const categories = f.categories?.length ? f.categories : column?.kind === 'categorical' ? column.categories : [];
    return { name: f.name, type: 'categorical', categories: [...categories] };
  });
}

/** Reads --data (+ --schema / --target) for learners that train on it; binary targets only. */
export async function loadTrainingData(flags: DataOnlyFlags, command: string): Promise<TrainingData> {
  if (!flags.data) throw new GlassboxError('invalid_argument', 'Missing --data: name the labelled data file (CSV, Parquet, JSONL or Arrow), or use --demo.', { argument: '--data', hint: `e.g. glassbox ${command} --data train.csv --target y` });
  const given = flags.schema ? loadSchema(flags.schema) : undefined;
  const target = labelColumn(flags);
  const loaded = await loadTable(flags.data, { ...(given ? { schema: given } : {}), ...(flags.delimiter ? { delimiter: flags.delimiter } : {}) });
  const schema = given?.target || !target ? (given ?? inferSchema(loaded, {})) : inferSchema(loaded, { target });
  if (!schema.target) throw new GlassboxError('schema_mismatch', `${flags.data}: no label column is known, so glassbox ${command} cannot train its interpretable model${command === 'scan' ? ' (without --model it audits a baseline it trains on the labels)' : ''}.`, { file: flags.data, hint: `Name the label column with --target COLUMN or in the schema ("target")${command === 'scan' ? ', or give your model with --model' : ''}.` });
  if (schema.target.task !== 'binary') {
    throw new GlassboxError('invalid_argument', `${flags.data}: "${schema.target.name}" is a ${schema.target.task} target; glassbox ${command} trains interpretable models for binary targets.`, { column: schema.target.name, hint: 'Give a two-class target, or a model with --model.' });
  }
  const missing = parseChoice('--missing', flags.missing, ['error', 'drop', 'impute'] as const, schema.missing ?? 'error');
  const all = applySchema(loaded, schema, { missing });
  const features = learnerFeatures(schema, all);
  if (features.length === 0) throw new GlassboxError('invalid_input', `${flags.data}: no numeric or categorical feature to learn from.`, { file: flags.data, hint: 'Check the schema; text and image columns need a model.' });
  return { source: flags.data, schema, all, ...(schema.split ? { split: splitTrainTest(all, schema) } : {}), features, classes: schema.target.classes ?? ['0', '1'] };
}

/** Labelled rows of a table as the learners take them (rows without a label are left out). */
export function learnerRows(table: Table, schema: Schema, features: readonly LearnerFeature[]): { raw: RawMatrix; labels: Int32Array; rows: Int32Array } {
  const all = labelsOf(table, schema);
  const rows = Int32Array.from(Array.from(all.keys()).filter((i) => all[i]! >= 0));
  const full = rawMatrixFromTable(table, features);
  const F = full.nFeatures;
  const data = new Float64Array(rows.length * F);
  rows.forEach((i, r) => data.set(full.data.subarray(i * F, (i + 1) * F), r * F));
  return { raw: { data, nRows: rows.length, nFeatures: F }, labels: Int32Array.from(rows, (i) => all[i]!), rows };
}

export interface BaselineModel {
  readonly model: Model;
  /** How the report names the model. */
  readonly description: string;
  /** Said at the top of the report: the audited model is glassbox's own baseline. */
  readonly warning: InputWarning;
}

/**
 * The model `glassbox scan --data D --target y` audits when no --model is given: an EBM-style GAM
 * trained by glassbox — on the training split when the schema has one (the test split is audited), else
 * cross-fitted over all rows (5 folds), so every audited row's prediction comes from a GAM that did
 * not see it.
 */
export function trainBaselineModel(data: TrainingData, options: { seed: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): BaselineModel {
  const signal = options.signal ? { signal: options.signal } : {};
  if (data.split) {
    const { raw, labels } = learnerRows(data.split.train, data.schema, data.features);
    const gam = fitGam(raw, labels, data.features, 'binary', { seed: options.seed, outerBags: 4, ...signal, ...(options.onProgress ? { onProgress: (d: number) => options.onProgress!(d, 1) } : {}) });
    const description = `baseline GAM trained by glassbox (${raw.nRows} training rows)`;
    return { model: gamModel(gam, data.classes), description, warning: { code: 'baseline-model', message: `No --model was given: the audited model is a baseline GAM (EBM-style, ${gam.terms.length} terms) that glassbox trained on the ${raw.nRows} training rows of ${data.source} and scores on the test split. The findings describe this baseline and the data, not a model of yours; pass --model to audit your own.` } };
  }
  const { raw, labels } = learnerRows(data.all, data.schema, data.features);
  const folds = 5;
  const model = crossFittedGam(raw, labels, data.features, 'binary', { folds, seed: options.seed, classes: data.classes, gam: { outerBags: 2 }, ...signal, ...(options.onProgress ? { onFold: options.onProgress } : {}) });
  const description = `baseline GAM trained by glassbox (cross-fitted, ${folds} folds)`;
  return { model, description, warning: { code: 'baseline-model', message: `No --model was given and ${data.source} has no train/test split: the audited model is a baseline GAM (EBM-style) that glassbox cross-fitted over all ${raw.nRows} rows in ${folds} folds, so each row is scored by a GAM that did not see it. The findings describe this baseline and the data, not a model of yours; pass --model to audit your own.` } };
}
