import type { Schema } from '../../src/data/schema.js';
import type { Column, Table } from '../../src/data/table.js';
import type { Model } from '../../src/model/model.js';
import type { ScanContext } from '../../src/scan/detector.js';

/** A column of a synthetic audit table: numbers, or categories given as strings. */
export type SyntheticColumn = { readonly name: string; readonly values: readonly number[] } | { readonly name: string; readonly categories: readonly string[]; readonly values: readonly string[] };

/**
 * A scan context for detector tests that need no model calls: binary labels, the model's predicted
 * class and its confidence per row, and the feature columns. Protected attributes are categorical
 * columns named in `protectedColumns`.
 */
export function syntheticContext(input: { columns: readonly SyntheticColumn[]; labels: readonly number[]; predicted: readonly number[]; confidence: readonly number[]; protectedColumns?: readonly string[]; seed?: number }): ScanContext {
  const n = input.labels.length;
  const columns: Column[] = input.columns.map((c) =>
    'categories' in c ? { kind: 'categorical', name: c.name, categories: [...c.categories], codes: Int32Array.from(c.values, (v) => c.categories.indexOf(v)) } : { kind: 'numeric', name: c.name, values: Float64Array.from(c.values) },
  );
  columns.push({ kind: 'categorical', name: 'y', categories: ['no', 'yes'], codes: Int32Array.from(input.labels) });
  const table: Table = { nRows: n, columns, rowIds: Int32Array.from({ length: n }, (_, i) => i) };
  const schema: Schema = {
    features: input.columns.map((c) => ('categories' in c ? { name: c.name, type: 'categorical' as const, categories: [...c.categories] } : { name: c.name, type: 'numeric' as const })),
    target: { name: 'y', task: 'binary', classes: ['no', 'yes'] },
    ...(input.protectedColumns ? { protected: input.protectedColumns.map((name) => ({ name, column: name })) } : {}),
  };
  const outputs = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const p = input.predicted[i] === 1 ? input.confidence[i]! : 1 - input.confidence[i]!;
    outputs[2 * i] = 1 - p;
    outputs[2 * i + 1] = p;
  }
  const model = { task: 'binary', classes: ['no', 'yes'], outputWidth: 2, inputSpec: { name: 'x', shape: [-1, input.columns.length], dtype: 'float32' }, predict: () => Promise.reject(new Error('synthetic model')) } as unknown as Model;
  return { table, schema, model, outputs, labels: Float64Array.from(input.labels), classes: ['no', 'yes'], seed: input.seed ?? 0, options: { confidence: 0.95, disparityThreshold: 0.1, ratioThreshold: 0.8 }, progress: () => {} };
}
