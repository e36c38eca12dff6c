import { describe, expect, it } from 'vitest';
import type { Table } from '../data/table.js';
import { rawMatrixFromRecords, rawMatrixFromTable } from './raw-matrix.js';

const features = [
  { name: 'age', type: 'numeric' },
  { name: 'color', type: 'categorical', categories: ['blue', 'green', 'red'] },
];

describe('rawMatrixFromRecords', () => {
  it('codes categories by the feature list and keeps numbers', () => {
    const raw = rawMatrixFromRecords([{ age: 31, color: 'red' }, { age: '4.5', color: 'blue' }, { age: null, color: 'green' }], features);
    expect(raw.nRows).toBe(3);
    expect(Array.from(raw.data)).toEqual([31, 2, 4.5, 0, NaN, 1]);
  });

  it('names unknown categories, missing fields and non-numbers', () => {
    expect(() => rawMatrixFromRecords([{ age: 1, color: 'pink' }], features)).toThrow(/column "color".*"pink" at record 0 \(0-based\)/);
    expect(() => rawMatrixFromRecords([{ age: 1 }], features)).toThrow(/record 0 \(0-based\) has no field "color"/);
    expect(() => rawMatrixFromRecords([{ age: 'old', color: 'red' }], features)).toThrow(/"old" is not a number/);
  });
});

describe('rawMatrixFromTable', () => {
  const table: Table = {
    nRows: 3,
    rowIds: Int32Array.from([10, 11, 12]),
    source: 'data.csv',
    columns: [
      // the table's own dictionary order differs from the encoder's
      { kind: 'categorical', name: 'color', codes: Int32Array.from([1, 0, -1]), categories: ['red', 'blue'] },
      { kind: 'numeric', name: 'age', values: Float64Array.from([20, 30, 40]) },
      { kind: 'text', name: 'note', values: ['x', 'y', 'z'] },
    ],
  };

  it('selects columns by name and re-codes categories to the encoder order', () => {
    const raw = rawMatrixFromTable(table, features);
    expect(Array.from(raw.data)).toEqual([20, 0, 30, 2, 40, NaN]);
  });

  it('counts rows with unknown categories and names the first by row id', () => {
    const narrow = [{ name: 'color', type: 'categorical', categories: ['blue', 'green'] }];
    expect(() => rawMatrixFromTable(table, narrow)).toThrow(/data.csv: column "color" has 1 row\(s\).*"red" at data row 11 \(0-based, header excluded\)/);
  });

  it('names a missing column and a type mismatch', () => {
    expect(() => rawMatrixFromTable(table, [{ name: 'income', type: 'numeric' }])).toThrow(/needs column "income"/);
    expect(() => rawMatrixFromTable(table, [{ name: 'note', type: 'numeric' }])).toThrow(/"note" is text in the data but numeric/);
  });

  it('codes numeric and text columns used as categoricals by their text', () => {
    const raw = rawMatrixFromTable(table, [
      { name: 'age', type: 'categorical', categories: ['40', '30', '20'] },
      { name: 'note', type: 'categorical', categories: ['z', 'y', 'x'] },
    ]);
    expect(Array.from(raw.data)).toEqual([2, 2, 1, 1, 0, 0]);
  });
});
