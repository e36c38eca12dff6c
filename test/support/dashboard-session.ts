import type { Table } from '../../src/data/table.js';
import { declarativeEncoder } from '../../src/encode/declarative.js';
import { fnModel } from '../../src/model/fn.js';
import type { DashboardSession } from '../../src/server/session.js';

/**
 * A small tabular dashboard session with a known model: p(yes) = σ(0.1·(age − 40) + 0.05·(income − 50) + 1.5·[group = b]),
 * over n rows (age 20..69, income 20..99, group alternating, label = p ≥ 0.5 except every 7th row flipped).
 * Row ids start at 100 so tests notice a row index used where a row id is meant.
 */
export function tinySession(n = 60): DashboardSession {
  const age = Float64Array.from({ length: n }, (_, i) => 20 + (i % 50));
  const income = Float64Array.from({ length: n }, (_, i) => 20 + ((i * 37) % 80));
  const group = Int32Array.from({ length: n }, (_, i) => i % 2);
  const encoder = declarativeEncoder({
    steps: [
      { column: 'age', kind: 'passthrough' },
      { column: 'income', kind: 'passthrough' },
      { column: 'group', kind: 'onehot', categories: ['a', 'b'] },
    ],
  });
  const model = fnModel({
    task: 'binary',
    classes: ['no', 'yes'],
    inputWidth: 4,
    predict: (x, rows) => {
      const out = new Float32Array(rows * 2);
      for (let i = 0; i < rows; i++) {
        const z = 0.1 * (x[i * 4]! - 40) + 0.05 * (x[i * 4 + 1]! - 50) + 1.5 * x[i * 4 + 3]!;
        const p = 1 / (1 + Math.exp(-z));
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
      }
      return out;
    },
  });
  const labels = Int32Array.from({ length: n }, (_, i) => {
    const z = 0.1 * (age[i]! - 40) + 0.05 * (income[i]! - 50) + 1.5 * group[i]!;
    const positive = z >= 0 ? 1 : 0;
    return i % 7 === 0 ? 1 - positive : positive;
  });
  const table: Table = {
    nRows: n,
    rowIds: Int32Array.from({ length: n }, (_, i) => 100 + i),
    columns: [
      { kind: 'numeric', name: 'age', values: age },
      { kind: 'numeric', name: 'income', values: income },
      { kind: 'categorical', name: 'group', codes: group, categories: ['a', 'b'] },
      { kind: 'categorical', name: 'label', codes: labels, categories: ['no', 'yes'] },
    ],
    source: 'tiny.csv',
  };
  return {
    title: 'tiny.csv',
    table,
    schema: {
      features: [
        { name: 'age', type: 'numeric' },
        { name: 'income', type: 'numeric' },
        { name: 'group', type: 'categorical', categories: ['a', 'b'] },
      ],
      target: { name: 'label', task: 'binary', classes: ['no', 'yes'] },
      protected: [{ name: 'group', column: 'group' }],
    },
    model,
    encoder,
  };
}
