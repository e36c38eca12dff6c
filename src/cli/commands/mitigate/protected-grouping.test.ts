import { describe, expect, it } from 'vitest';
import type { Schema } from '../../../data/schema.js';
import type { Table } from '../../../data/table.js';
import { groupTables, protectedSpec } from './protected-grouping.js';

const table = (sex: number[], age: number[]): Table => ({
  nRows: sex.length,
  rowIds: Int32Array.from(sex, (_, i) => i),
  source: 'rows.csv',
  columns: [
    { kind: 'categorical', name: 'sex', codes: Int32Array.from(sex), categories: ['f', 'm'] },
    { kind: 'numeric', name: 'age', values: Float64Array.from(age) },
  ],
});
const schema: Schema = { features: [], protected: [{ name: 'age_group', column: 'age', edges: [30], labels: ['<30', '30+'] }] } as unknown as Schema;

describe('mitigate --protected', () => {
  it('reads one schema attribute or column; training and held-out rows share the fixed edges and labels', () => {
    const train = table([0, 1, 0, 1], [20, 40, 50, 25]);
    const held = table([1, 1], [35, 22]);
    const spec = protectedSpec('age_group', train, schema);
    const [a, b] = groupTables(spec, [train, held]);
    expect(a!.labels).toEqual(['<30', '30+']);
    expect(Array.from(a!.codes)).toEqual([0, 1, 1, 0]);
    expect(Array.from(b!.codes)).toEqual([1, 0]);
    expect(protectedSpec('sex', train, schema).column).toBe('sex');
    // without the flag: the schema's first attribute
    expect(protectedSpec(undefined, train, schema).name).toBe('age_group');
  });

  it('refuses an unknown column, two attributes, none at all, and a single group', () => {
    const train = table([0, 0, 0], [20, 40, 50]);
    expect(() => protectedSpec('shoe_size', train, schema)).toThrow(/shoe_size.*neither a protected attribute/);
    expect(() => protectedSpec('sex,age_group', train, schema)).toThrow(/names 2 attributes/);
    expect(() => protectedSpec(undefined, train, { features: [] } as unknown as Schema)).toThrow(/Missing --protected/);
    expect(() => groupTables(protectedSpec('sex', train, schema), [train])).toThrow(/1 group \(every row is "f"\)/);
  });
});
