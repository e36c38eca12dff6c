import { GlassboxError } from '../errors.js';
import { findColumn } from '../data/table.js';
import type { Table } from '../data/table.js';

/** Row indices of the train and test splits given a categorical split column. */
export function splitRows(table: Table, column: string, testValue: string): { train: Int32Array; test: Int32Array } {
  const split = findColumn(table, column);
  if (split?.kind !== 'categorical') {
    throw new GlassboxError('schema_mismatch', `splitRows: "${column}" is not a categorical column`, { column, hint: 'The split column holds e.g. train/test.' });
  }
  const testCode = split.categories.indexOf(testValue);
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < table.nRows; i++) (split.codes[i] === testCode ? test : train).push(i);
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/** Integer class labels (category codes) of a categorical target column. */
export function labelCodes(table: Table, column: string): Int32Array {
  const target = findColumn(table, column);
  if (target?.kind !== 'categorical') {
    throw new GlassboxError('schema_mismatch', `labelCodes: target "${column}" is not a categorical column`, { column, hint: 'Classification targets are categorical columns.' });
  }
  return target.codes;
}
