import { readFileSync } from 'node:fs';
import { applySchema } from '../../src/data/apply-schema.js';
import { loadTable } from '../../src/data/load-table.js';
import { loadSchema } from '../../src/data/parse-schema.js';
import { labelsOf, splitTrainTest, toRawMatrix } from '../../src/data/schema-helpers.js';
import type { RawMatrix } from '../../src/encode/encoder.js';
import { rocAuc } from '../../src/math/metrics/roc-auc.js';
import type { LearnerFeature } from '../../src/model/interpretable/binning.js';
import { datasetPath, referencePath } from './reference.js';

export const ADULT_FILES = ['adult-xgb/schema.json', 'adult-xgb/xgb_margin_and_prob.json', '../datasets/adult.csv'];

export interface AdultSplit {
  readonly features: LearnerFeature[];
  readonly train: { raw: RawMatrix; y: Int32Array };
  readonly test: { raw: RawMatrix; y: Int32Array; rowIds: Int32Array };
}

/** adult.csv read with the adult-xgb schema: its train and test splits, ordinal-coded as the reference model takes them. */
export async function loadAdult(): Promise<AdultSplit> {
  const schema = loadSchema(referencePath('adult-xgb', 'schema.json'));
  const table = applySchema(await loadTable(datasetPath('adult.csv'), { schema }), schema);
  const { train, test } = splitTrainTest(table, schema);
  const features = schema.features.map((f) => (f.type === 'categorical' ? { name: f.name, type: 'categorical' as const, categories: f.categories ?? [] } : { name: f.name, type: 'numeric' as const }));
  return {
    features,
    train: { raw: toRawMatrix(train, schema.features), y: labelsOf(train, schema) },
    test: { raw: toRawMatrix(test, schema.features), y: labelsOf(test, schema), rowIds: test.rowIds },
  };
}

/** Test AUC of the reference xgboost model, from its stored probabilities. */
export function referenceXgbAuc(): number {
  const ref = JSON.parse(readFileSync(referencePath('adult-xgb', 'xgb_margin_and_prob.json'), 'utf8')) as { labels: number[]; prob: number[] };
  return rocAuc(Int32Array.from(ref.labels), Float64Array.from(ref.prob));
}

/** The first `n` rows of a raw matrix. */
export function headRows(raw: RawMatrix, n: number): RawMatrix {
  const m = Math.min(n, raw.nRows);
  return { data: raw.data.slice(0, m * raw.nFeatures), nRows: m, nFeatures: raw.nFeatures };
}
