import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RawMatrix } from '../../src/encode/encoder.js';
import { encoderFromPreprocessJson } from '../../src/encode/json.js';
import { loadOnnxModel } from '../../src/model/onnx.js';
import type { OnnxModel } from '../../src/model/onnx.js';
import { pipeline } from '../../src/model/pipeline.js';
import type { Pipeline } from '../../src/model/pipeline.js';
import { parseCsv } from '../support/csv.js';
import { REFERENCE_DIR, referencePath, useReference } from '../support/reference.js';

/** The reference folder (located by test/support/reference.ts). */
export const referenceDir = REFERENCE_DIR;
export const germanDir = referencePath('german-credit');
/** The german-credit files the MLP suites read; skip only when references are not configured (see useReference). */
export const hasGermanCredit = useReference('german-credit MLP suites', ['mlp.onnx', 'preprocess.json', 'schema.json', 'german_credit.csv', 'exact_shapley_mlp.json', 'lime_tabular.json', 'mlp_inputs_outputs.json'].map((f) => `german-credit/${f}`));

export function readGermanJson<T>(name: string): T {
  return JSON.parse(readFileSync(resolve(germanDir, name), 'utf8')) as T;
}

export function matrix(rows: readonly (readonly number[])[]): RawMatrix {
  return { data: Float64Array.from(rows.flat()), nRows: rows.length, nFeatures: rows[0]?.length ?? 0 };
}

/** german-credit mlp.onnx behind its preprocess.json encoder: ordinal-coded rows in, [P(good), P(bad)] out. */
export async function germanMlp(): Promise<{ pipe: Pipeline; model: OnnxModel }> {
  const encoder = encoderFromPreprocessJson(readGermanJson('preprocess.json'));
  const model = await loadOnnxModel(resolve(germanDir, 'mlp.onnx'), { batchSize: 8192, classes: ['good', 'bad'], task: 'binary' });
  return { pipe: pipeline(model, encoder), model };
}

/** Header and rows of a reference CSV. */
export function readCsv(name: string): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parseCsv(readFileSync(resolve(germanDir, name), 'utf8'));
  return { header: header!, rows };
}

/** Ordinal-coded train (and test) split of german_credit.csv using schema.json category order. */
export function germanOrdinal(): { train: RawMatrix; test: RawMatrix; trainLabels: Float64Array; testLabels: Float64Array; names: string[]; categorical: boolean[]; categories: (string[] | undefined)[] } {
  const schema = readGermanJson<{ features: { name: string; type: string; categories?: string[] }[] }>('schema.json');
  const { header, rows } = readCsv('german_credit.csv');
  const idx = schema.features.map((f) => header.indexOf(f.name));
  const target = header.indexOf('target');
  const split = header.indexOf('_is_test');
  const train: number[][] = [];
  const test: number[][] = [];
  const trainLabels: number[] = [];
  const testLabels: number[] = [];
  for (const row of rows) {
    const values = schema.features.map((f, k) => (f.categories ? f.categories.indexOf(row[idx[k]!]!) : Number(row[idx[k]!])));
    const isTest = row[split] === 'True';
    (isTest ? test : train).push(values);
    (isTest ? testLabels : trainLabels).push(row[target] === 'bad' ? 1 : 0);
  }
  return {
    train: matrix(train),
    test: matrix(test),
    trainLabels: Float64Array.from(trainLabels),
    testLabels: Float64Array.from(testLabels),
    names: schema.features.map((f) => f.name),
    categorical: schema.features.map((f) => f.type === 'categorical'),
    categories: schema.features.map((f) => f.categories),
  };
}
