import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC, tableToIPC, vectorFromArray, Table as ArrowTable, Utf8, Dictionary, Int32 } from 'apache-arrow';
import { loadTable } from './load-table.js';
import { findColumn, categoryAt } from './table.js';
import type { CategoricalColumn, NumericColumn, Table, TextColumn } from './table.js';
import { DATASETS_DIR, REFERENCE_DIR, tempDir, useReference } from '../../test/fixtures/data/support.js';

const num = (t: Table, name: string): NumericColumn => findColumn(t, name) as NumericColumn;
const cat = (t: Table, name: string): CategoricalColumn => findColumn(t, name) as CategoricalColumn;

const HAVE_REFERENCE = useReference('loading the reference CSVs', ['german-credit/schema.json', '../datasets/german_credit.csv', '../datasets/adult.csv']);

describe.skipIf(!HAVE_REFERENCE)('loading the reference CSVs', () => {
  let german: Table;
  let adult: Table;
  beforeAll(async () => {
    german = await loadTable(join(DATASETS_DIR, 'german_credit.csv'));
    adult = await loadTable(join(DATASETS_DIR, 'adult.csv'));
  });

  it('german_credit.csv: 1000 rows, 22 columns, categories equal the reference schema (code point order)', () => {
    expect(german.nRows).toBe(1000);
    expect(german.columns).toHaveLength(22);
    const schema = JSON.parse(readFileSync(join(REFERENCE_DIR, 'german-credit', 'schema.json'), 'utf8')) as { features: { name: string; type: string; categories?: string[] }[] };
    for (const f of schema.features) {
      const column = findColumn(german, f.name)!;
      expect(column.kind, f.name).toBe(f.type);
      if (f.categories) expect((column as CategoricalColumn).categories, f.name).toEqual(f.categories);
    }
    expect(Array.from(german.rowIds.subarray(0, 3))).toEqual([0, 1, 2]);
  });

  it('german_credit.csv: quoted commas stay inside one value; exact first-row values', () => {
    const telephone = cat(german, 'telephone');
    expect(telephone.categories).toContain('yes, registered under the customers name');
    expect(categoryAt(telephone, 0)).toBe('yes, registered under the customers name');
    let registered = 0;
    for (const c of telephone.codes) if (c === 1) registered++;
    expect(registered).toBe(404);
    expect(num(german, 'credit_amount').values[0]).toBe(1169);
    expect(num(german, 'age').values[0]).toBe(67);
    expect(num(german, 'month_duration').values[1]).toBe(48);
    expect(categoryAt(cat(german, 'status_and_sex'), 1)).toBe('female : divorced/separated/married');
    expect(categoryAt(cat(german, '_is_test'), 0)).toBe('True');
    const target = cat(german, 'target');
    expect(target.categories).toEqual(['bad', 'good']);
    expect(target.codes.filter((c) => c === 0).length).toBe(300);
  });

  it('adult.csv: 32561 rows, 16 columns, counts of MissingValue and income classes', () => {
    expect(adult.nRows).toBe(32561);
    expect(adult.columns).toHaveLength(16);
    const workclass = cat(adult, 'workclass');
    const missingCode = workclass.categories.indexOf('MissingValue');
    expect(workclass.codes.filter((c) => c === missingCode).length).toBe(1836);
    expect(cat(adult, 'native-country').categories).toHaveLength(42);
    const income = cat(adult, 'income');
    expect(income.categories).toEqual(['<=50K', '>50K']);
    expect(income.codes.filter((c) => c === 1).length).toBe(7841);
    expect(num(adult, 'fnlwgt').values[0]).toBe(77516);
    expect(num(adult, 'age').values[32560]).toBeGreaterThan(0);
    const isTest = cat(adult, '_is_test');
    expect(isTest.codes.filter((c) => isTest.categories[c] === 'True').length).toBe(6512);
  });
});

describe('Parquet, JSONL and Arrow round trips', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const n = 5000;
  beforeAll(async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const select = `SELECT range::BIGINT AS id, (range * 0.5)::DOUBLE AS x, CASE WHEN range % 7 = 0 THEN NULL ELSE (range % 5)::INTEGER END AS k,
      (['zeta', 'alpha', 'Émile', 'beta'])[1 + (range % 4)::INTEGER] AS c, CASE WHEN range % 11 = 0 THEN NULL ELSE 'g' || (range % 3)::VARCHAR END AS g,
      range % 2 = 0 AS flag, 'document number ' || range::VARCHAR || ' with some longer free text that never repeats itself' AS note
      FROM range(${n})`;
    await connection.run(`COPY (${select}) TO '${join(dir, 't.parquet')}' (FORMAT parquet)`);
    await connection.run(`COPY (${select}) TO '${join(dir, 't.jsonl')}' (FORMAT json)`);
    await connection.run(`COPY (${select}) TO '${join(dir, 't.csv')}' (HEADER)`);
    connection.closeSync();
  });

  for (const ext of ['parquet', 'jsonl', 'csv']) {
    it(`${ext}: numbers, nulls as NaN / -1, code point category order, text, booleans`, async () => {
      const t = await loadTable(join(dir, `t.${ext}`));
      expect(t.nRows).toBe(n);
      expect(num(t, 'id').values[4321]).toBe(4321);
      expect(num(t, 'x').values[3]).toBe(1.5);
      const k = num(t, 'k');
      expect(Number.isNaN(k.values[7]!)).toBe(true);
      expect(k.values[8]).toBe(3);
      const c = cat(t, 'c');
      expect(c.categories).toEqual(['alpha', 'beta', 'zeta', 'Émile']);
      expect(categoryAt(c, 2)).toBe('Émile');
      const g = cat(t, 'g');
      expect(g.codes[0]).toBe(-1);
      expect(categoryAt(g, 1)).toBe('g1');
      expect(cat(t, 'flag').categories).toEqual(['false', 'true']);
      const note = findColumn(t, 'note') as TextColumn;
      expect(note.kind).toBe('text');
      expect(note.values[12]).toContain('document number 12 ');
      expect(t.rowIds[n - 1]).toBe(n - 1);
    });
  }

  it('arrow IPC: numeric, dictionary and plain string columns', async () => {
    const arrow = new ArrowTable({
      a: vectorFromArray(new Float64Array([1.5, NaN, 3])),
      b: vectorFromArray(['y', 'x', null], new Dictionary(new Utf8(), new Int32())),
      s: vectorFromArray(['p', 'q', 'p'], new Utf8()),
    });
    const path = join(dir, 't.arrow');
    writeFileSync(path, tableToIPC(arrow, 'file'));
    expect(tableFromIPC(readFileSync(path)).numRows).toBe(3);
    const t = await loadTable(path);
    expect(Array.from(num(t, 'a').values)).toEqual([1.5, NaN, 3]);
    const b = cat(t, 'b');
    expect(b.categories).toEqual(['x', 'y']);
    expect(Array.from(b.codes)).toEqual([1, 0, -1]);
    expect(Array.from(cat(t, 's').codes)).toEqual([0, 1, 0]);
  });

  it('forced column kinds: an integer column read as categorical, a string column as text', async () => {
    const t = await loadTable(join(dir, 't.parquet'), { columnTypes: { k: 'categorical', c: 'text' } });
    expect(cat(t, 'k').categories).toEqual(['0', '1', '2', '3', '4']);
    expect((findColumn(t, 'c') as TextColumn).values[1]).toBe('alpha');
  });

  it('reports progress and honours an aborted signal', async () => {
    const seen: number[] = [];
    await loadTable(join(dir, 't.parquet'), { onProgress: (r) => seen.push(r) });
    expect(seen[seen.length - 1]).toBe(n);
    const controller = new AbortController();
    controller.abort();
    await expect(loadTable(join(dir, 't.csv'), { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
