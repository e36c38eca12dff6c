import { describe, expect, it } from 'vitest';
import type { Schema } from '../data/schema.js';
import { tableFromColumns } from '../data/table-from-columns.js';
import { rawMatrixFromTable } from './raw-matrix.js';
import { resolveEncoding, schemaWithEncoderCategories } from './resolve-encoding.js';
import { declarativeEncoder } from './declarative.js';
import { conformCategories } from './unknown-categories.js';

const schema: Schema = {
  features: [{ name: 'job', type: 'categorical', categories: ['clerk', 'nurse', 'pilot'] }, { name: 'age', type: 'numeric' }],
  target: { name: 'y', task: 'binary', classes: ['no', 'yes'] },
};
const names = { dataName: 'rows.csv', modelName: 'model.json' };

describe('resolveEncoding never invents an encoding', () => {
  it('refuses categorical columns when neither a schema nor a preprocess spec gives their codes', () => {
    const rows = tableFromColumns({ job: ['nurse', 'pilot'], age: [30, 40] });
    for (const treeModel of [true, false]) {
      expect(() => resolveEncoding({ schema, schemaGiven: false, treeModel, fitRows: rows, ...names })).toThrow(/model\.json takes encoded inputs.*column job/);
    }
  });

  it('with a given schema, the ordinal codes are the schema\'s whichever rows are given', () => {
    // the file holds only nurse and pilot: coding from it would make nurse 0, pilot 1
    const rows = conformCategories(tableFromColumns({ job: ['nurse', 'pilot'], age: [30, 40] }), schema.features).table;
    const { encoder, source, warnings } = resolveEncoding({ schema, schemaGiven: true, treeModel: true, fitRows: rows, ...names });
    expect(source).toBe('schema');
    expect(warnings).toEqual([]);
    expect(Array.from(encoder.encode(rawMatrixFromTable(rows, encoder.features)))).toEqual([1, 30, 2, 40]);
  });

  it('a non-tree model with a schema but no scaling says that the scaling was fitted on the data', () => {
    const rows = conformCategories(tableFromColumns({ job: ['nurse', 'pilot'], age: [30, 40] }), schema.features).table;
    const { warnings, encoder } = resolveEncoding({ schema, schemaGiven: true, treeModel: false, fitRows: rows, ...names });
    expect(encoder.outputWidth).toBe(4);
    expect(warnings.map((w) => w.code)).toEqual(['scaling-fitted']);
    expect(warnings[0]!.message).toMatch(/\(age\) were standardized .* 2 training rows of rows\.csv/);
  });

  it('numeric-only data goes to the model as raw columns, with a warning that the features were inferred', () => {
    const numeric: Schema = { features: [{ name: 'a', type: 'numeric' }, { name: 'b', type: 'numeric' }], target: { name: 'y', task: 'regression' } };
    const rows = tableFromColumns({ a: [1.5, -2], b: [10, 20] });
    const { encoder, source, warnings } = resolveEncoding({ schema: numeric, schemaGiven: false, treeModel: false, fitRows: rows, ...names });
    expect(source).toBe('raw-columns');
    expect(Array.from(encoder.encode(rawMatrixFromTable(rows, encoder.features)))).toEqual([1.5, 10, -2, 20]);
    expect(warnings[0]!.message).toMatch(/inferred from rows\.csv \(a, b; label y\)/);
  });

  it('a preprocess spec is used as is, and its categories become the schema\'s', () => {
    const pre = declarativeEncoder({ steps: [{ column: 'job', kind: 'onehot', categories: ['pilot', 'nurse', 'clerk', 'chef'] }, { column: 'age', kind: 'standardize', mean: 35, std: 5 }] });
    const inferred: Schema = { features: [{ name: 'job', type: 'categorical', categories: ['nurse'] }, { name: 'age', type: 'numeric' }, { name: 'note', type: 'text' }], target: schema.target! };
    expect(resolveEncoding({ schema: inferred, schemaGiven: false, treeModel: false, preprocess: pre, fitRows: tableFromColumns({ job: ['nurse'], age: [1] }), ...names }).encoder).toBe(pre);
    expect(schemaWithEncoderCategories(inferred, pre).features[0]).toEqual({ name: 'job', type: 'categorical', categories: ['pilot', 'nurse', 'clerk', 'chef'] });
    expect(schemaWithEncoderCategories(inferred, pre, { onlyEncoded: true }).features.map((f) => f.name)).toEqual(['job', 'age']);
  });
});
