import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTable } from './load-table.js';
import { loadSchema, parseSchema } from './parse-schema.js';
import { applySchema } from './apply-schema.js';
import { labelsOf, protectedGroups, splitTrainTest, toRawMatrix } from './schema-helpers.js';
import { inferSchema } from './infer-schema.js';
import { loadDataset } from './load-dataset.js';
import { tableFromColumns } from './table-from-columns.js';
import type { Schema } from './schema.js';
import type { Table } from './table.js';
import { caughtGlassboxErrorSync, DATASETS_DIR, REFERENCE_DIR, useReference } from '../../test/fixtures/data/support.js';

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;


const HAVE_REFERENCE = useReference('reference schemas on the reference CSVs', ['german-credit/schema.json', 'german-credit/xgb_encoded_test.json', 'german-credit/fairness.json', 'adult-xgb/schema.json', 'adult-xgb/xgb_encoded_test.json', '../datasets/german_credit.csv', '../datasets/adult.csv']);

describe.skipIf(!HAVE_REFERENCE)('reference schemas on the reference CSVs', () => {
  let german: Table;
  let germanSchema: Schema;
  beforeAll(async () => {
    germanSchema = loadSchema(join(REFERENCE_DIR, 'german-credit', 'schema.json'));
    german = applySchema(await loadTable(join(DATASETS_DIR, 'german_credit.csv'), { schema: germanSchema }), germanSchema);
  });

  it('parses german-credit/schema.json: features, target, split, protected mapping and buckets', () => {
    expect(germanSchema.features).toHaveLength(20);
    expect(germanSchema.target).toEqual({ name: 'target', task: 'binary', classes: ['good', 'bad'], positiveClass: 'bad' });
    expect(germanSchema.split).toEqual({ column: '_is_test', testValue: 'True' });
    const [sex, age] = germanSchema.protected!;
    expect(sex!.column).toBe('status_and_sex');
    expect(sex!.mapping!['male : single']).toBe('male');
    expect(age).toEqual({ name: 'age', column: 'age', edges: [25], labels: ['<25', '>=25'] });
  });

  it('split 743/257, labels and the ordinal matrix equal xgb_encoded_test.json exactly', () => {
    const { train, test } = splitTrainTest(german, germanSchema);
    expect(train.nRows).toBe(743);
    expect(test.nRows).toBe(257);
    const ref = readJson<{ row_ids: number[]; labels: number[]; X: number[][] }>(join(REFERENCE_DIR, 'german-credit', 'xgb_encoded_test.json'));
    expect(Array.from(test.rowIds)).toEqual(ref.row_ids);
    expect(Array.from(labelsOf(test, germanSchema))).toEqual(ref.labels);
    const raw = toRawMatrix(test, germanSchema.features);
    expect(raw.nFeatures).toBe(20);
    let maxDiff = 0;
    ref.X.forEach((row, i) => row.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - raw.data[i * 20 + j]!)))));
    expect(maxDiff).toBe(0);
  });

  it('protected groups on the test split match fairness.json group sizes', () => {
    const { test } = splitTrainTest(german, germanSchema);
    const fairness = readJson<{ groupings: Record<string, { groups: string[]; per_group: Record<string, { n: number }> }> }>(join(REFERENCE_DIR, 'german-credit', 'fairness.json'));
    const [sex, age] = protectedGroups(test, germanSchema.protected);
    for (const [groups, key] of [[sex!, 'sex'], [age!, 'age_bucket']] as const) {
      const ref = fairness.groupings[key]!;
      expect(groups.labels).toEqual(ref.groups);
      groups.labels.forEach((label, k) => expect(groups.codes.filter((c) => c === k).length, label).toBe(ref.per_group[label]!.n));
    }
  });

  it('adult-xgb/schema.json: binary_rule becomes mapping + otherwise; split defaults to True; 26049/6512', async () => {
    const schema = loadSchema(join(REFERENCE_DIR, 'adult-xgb', 'schema.json'));
    expect(schema.protected![1]).toEqual({ name: 'race', column: 'race', mapping: { White: 'White' }, otherwise: 'non-White' });
    const adult = applySchema(await loadTable(join(DATASETS_DIR, 'adult.csv'), { schema }), schema);
    const { train, test } = splitTrainTest(adult, schema);
    expect([train.nRows, test.nRows]).toEqual([26049, 6512]);
    const race = protectedGroups(adult, schema.protected)[1]!;
    expect(race.labels).toEqual(['White', 'non-White']);
    const labels = labelsOf(adult, schema);
    expect(labels.filter((l) => l === 1).length).toBe(7841);
    const xRef = readJson<{ X: number[][]; row_ids: number[] }>(join(REFERENCE_DIR, 'adult-xgb', 'xgb_encoded_test.json'));
    const raw = toRawMatrix(test, schema.features);
    const first = Array.from(raw.data.subarray(0, raw.nFeatures));
    expect(Array.from(test.rowIds.subarray(0, 5))).toEqual(xRef.row_ids.slice(0, 5));
    expect(first).toEqual(xRef.X[0]);
  });

  it('loadDataset: schema file + load + validation in one step', async () => {
    const { table, schema, report } = await loadDataset(join(DATASETS_DIR, 'german_credit.csv'), { schemaPath: join(REFERENCE_DIR, 'german-credit', 'schema.json') });
    expect(table.nRows).toBe(1000);
    expect(schema.features).toHaveLength(20);
    expect(report.extraColumns).toEqual([]);
    expect(splitTrainTest(table, schema).test.nRows).toBe(257);
    expect(labelsOf(table, schema).filter((l) => l === 1).length).toBe(300);
  });

  it('inferSchema on german_credit.csv: same types and categories as the reference, _is_test as split', async () => {
    const raw = await loadTable(join(DATASETS_DIR, 'german_credit.csv'));
    const inferred = inferSchema(raw, { target: 'target', positiveClass: 'bad' });
    expect(inferred.target).toEqual(germanSchema.target);
    expect(inferred.split).toEqual({ column: '_is_test', testValue: 'True' });
    expect(inferred.features.map((f) => [f.name, f.type, f.categories])).toEqual(germanSchema.features.map((f) => [f.name, f.type, f.categories]));
  });
});

describe('our own schema JSON', () => {
  const json = {
    version: 1,
    features: [{ name: 'x', type: 'numeric' }, { name: 'color', type: 'categorical', categories: ['red', 'green'] }],
    target: { name: 'y', task: 'binary', classes: ['no', 'yes'], positiveClass: 'yes' },
    protected: [{ name: 'band', column: 'x', edges: [0, 10], labels: ['neg', 'low', 'high'] }],
    metadata: ['region'],
    split: { column: 'is_test', testValue: '1' },
    missing: 'drop',
  };

  it('round-trips and drives applySchema, protectedGroups, splitTrainTest and toRawMatrix', () => {
    const schema = parseSchema(json, 'inline');
    const t = tableFromColumns({ x: [-1, 5, 12, NaN], color: ['green', 'red', 'green', 'red'], y: ['yes', 'no', 'no', 'yes'], region: ['n', 's', 'n', 's'], is_test: [0, 0, 1, 1] });
    const applied = applySchema(t, schema);
    expect(applied.nRows).toBe(3);
    const band = protectedGroups(applied, schema.protected)[0]!;
    expect(Array.from(band.codes)).toEqual([0, 1, 2]);
    const { test } = splitTrainTest(applied, schema);
    expect(Array.from(test.rowIds)).toEqual([2]);
    const raw = toRawMatrix(applied, schema.features);
    expect(Array.from(raw.data)).toEqual([-1, 1, 5, 0, 12, 1]);
  });

  it('rejects malformed schemas with the path of each problem', () => {
    const e = caughtGlassboxErrorSync(() => parseSchema({ features: [{ name: 'x', type: 'number' }], target: { name: 'y', task: 'binary', classes: ['a', 'b', 'c'] } }, 's.json'));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/features\.0\.type/);
    expect(e.message).toMatch(/binary target needs exactly 2 classes/);
    expect(caughtGlassboxErrorSync(() => parseSchema({ features: [{ name: 'x', type: 'numeric' }, { name: 'x', type: 'numeric' }] })).message).toMatch(/listed twice/);
    expect(caughtGlassboxErrorSync(() => parseSchema({ features: [{ name: 'c', type: 'categorical', categories: ['a', 'a'] }] })).message).toMatch(/unique/);
  });

  it('rejects unsupported reference bucket rules and gaps', () => {
    const base = { features: [{ name: 'age', type: 'numeric' }], target: { column: 'y', positive_class: 'b', negative_class: 'a' } };
    const gap = { ...base, protected_attributes: [{ name: 'age', column: 'age', buckets: [{ name: 'young', rule: 'age < 25' }, { name: 'old', rule: 'age >= 30' }] }] };
    expect(caughtGlassboxErrorSync(() => parseSchema(gap)).message).toMatch(/gap or an overlap/);
    const odd = { ...base, protected_attributes: [{ name: 'age', column: 'age', buckets: [{ name: 'x', rule: 'age is small' }] }] };
    expect(caughtGlassboxErrorSync(() => parseSchema(odd)).code).toBe('schema_mismatch');
  });

  it('protected mapping that misses a category, and numeric columns without buckets', () => {
    const t = tableFromColumns({ s: ['a', 'b', 'c'], n: [1, 2, 3] });
    expect(caughtGlassboxErrorSync(() => protectedGroups(t, [{ name: 'g', column: 's', mapping: { a: 'A', b: 'B' } }])).message).toMatch(/does not cover "c"/);
    expect(caughtGlassboxErrorSync(() => protectedGroups(t, [{ name: 'g', column: 'n' }])).details.hint).toMatch(/edges/);
  });
});
