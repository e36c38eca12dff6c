import { GlassboxError } from '../errors.js';
import { findColumn } from '../data/table.js';
import type { Table } from '../data/table.js';
import type { FeatureSpec } from '../data/schema.js';
import type { RawMatrix } from '../encode/encoder.js';

/** The ordinal-coded raw matrix (see encode/encoder.ts) of `features`, taken from `table`'s columns. */
export function tableToRaw(table: Table, features: readonly FeatureSpec[]): RawMatrix {
  const nFeatures = features.length;
  const data = new Float64Array(table.nRows * nFeatures);
  features.forEach((feature, j) => {
    const column = findColumn(table, feature.name);
    if (!column || column.kind === 'text') {
      throw new GlassboxError('schema_mismatch', `tableToRaw: ${column ? 'text' : 'no'} column "${feature.name}" in ${table.source ?? 'the table'}`, {
        column: feature.name,
        hint: 'Tabular features must be numeric or categorical columns of the table.',
      });
    }
    for (let i = 0; i < table.nRows; i++) {
      if (column.kind === 'numeric') data[i * nFeatures + j] = column.values[i]!;
      else {
        const code = column.codes[i]!;
        data[i * nFeatures + j] = code < 0 ? Number.NaN : code;
      }
    }
  });
  return { data, nRows: table.nRows, nFeatures };
}

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
