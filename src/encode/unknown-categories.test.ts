import { describe, expect, it } from 'vitest';
import { tableFromColumns } from '../data/table-from-columns.js';
import { takeRows, type CategoricalColumn } from '../data/table.js';
import { isGlassboxError } from '../errors.js';
import { declarativeEncoder } from './declarative.js';
import { fitEncoder } from './fit.js';
import { rawMatrixFromTable } from './raw-matrix.js';
import { conformCategories, ignoringUnknownCategories } from './unknown-categories.js';

const features = [
  { name: 'color', type: 'categorical', categories: ['blue', 'red'] },
  { name: 'size', type: 'numeric' },
] as const;

/** Rows 1 and 3 hold "teal", which the encoding does not list; "red" is the most frequent known colour. */
const table = (): ReturnType<typeof tableFromColumns> => tableFromColumns({ color: ['red', 'teal', 'red', 'teal', 'blue'], size: [1, 2, 3, 4, 5] }, { source: 'colors.csv' });

const thrown = (f: () => unknown): Error & { details?: Record<string, unknown> } => {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('conformCategories', () => {
  it('codes against the encoding\'s list, not the file\'s own dictionary (the file sorts blue, red, teal)', () => {
    const known = tableFromColumns({ color: ['red', 'blue', 'red'], size: [1, 2, 3] });
    const { table: coded, unknown } = conformCategories(known, features);
    const color = coded.columns[0] as CategoricalColumn;
    expect(color.categories).toEqual(['blue', 'red']);
    expect(Array.from(color.codes)).toEqual([1, 0, 1]);
    expect(unknown).toEqual([]);
  });

  it("'error' (default) lists every row holding an unknown category, as 0-based data row ids, and names the policies", () => {
    const subset = takeRows(table(), [4, 3, 1]); // row ids survive row selection
    const e = thrown(() => conformCategories(subset, features));
    expect(isGlassboxError(e)).toBe(true);
    expect(e.message).toMatch(/Unknown categories in column "color" of colors\.csv: 2 of 3 rows hold "teal"/);
    expect(e.message).toMatch(/Data rows \(0-based, header excluded\): 3, 1\./);
    expect(e.details!['rowIds']).toEqual([3, 1]);
    expect(e.details!['hint']).toMatch(/--unknown-category ignore .* most-frequent/);
  });

  it("'ignore' makes them missing: a one-hot block of zeros, a tree's NaN, and reports the rows", () => {
    const { table: coded, unknown } = conformCategories(table(), features, { policy: 'ignore' });
    expect(unknown).toEqual([{ column: 'color', values: ['teal'], count: 2, rowIds: [1, 3] }]);
    const raw = rawMatrixFromTable(coded, features);
    const onehot = fitEncoder(raw, [...features], { handleUnknown: 'ignore' });
    expect(Array.from(onehot.encode(raw).subarray(0, 2 * 3))).toEqual([0, 1, -1.4142135381698608, 0, 0, -0.7071067690849304]);
    const ordinal = ignoringUnknownCategories(declarativeEncoder({ steps: [{ column: 'color', kind: 'ordinal', categories: ['blue', 'red'] }, { column: 'size', kind: 'passthrough' }] }));
    const x = ordinal.encode(raw);
    expect([x[0], x[2], x[4], x[6]]).toEqual([1, NaN, 1, NaN]);
    // without the policy the encoder refuses the missing code
    expect(thrown(() => fitEncoder(raw, [...features]).encode(raw)).message).toMatch(/row 1 of the rows being encoded .*, column "color" is missing/);
  });

  it("'most-frequent' replaces them by the most frequent known category of the reference rows", () => {
    const all = conformCategories(table(), features, { policy: 'most-frequent' });
    expect(Array.from((all.table.columns[0] as CategoricalColumn).codes)).toEqual([1, 1, 1, 1, 0]);
    expect(all.unknown[0]!.replacement).toBe('red');
    const blueRows = conformCategories(table(), features, { policy: 'most-frequent', referenceRows: [4] });
    expect(blueRows.unknown[0]!.replacement).toBe('blue');
  });
});
