import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GlassboxError } from '../errors.js';
import { loadTable } from './load-table.js';
import type { LoadTableOptions } from './load-table.js';
import { applySchema, applySchemaWithReport } from './apply-schema.js';
import { tableFromColumns } from './table-from-columns.js';
import { findColumn } from './table.js';
import type { CategoricalColumn, NumericColumn } from './table.js';
import type { Schema } from './schema.js';
import { caughtGlassboxError, caughtGlassboxErrorSync, tempDir } from '../../test/fixtures/data/support.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function loadError(path: string, options?: LoadTableOptions): Promise<GlassboxError> {
  return caughtGlassboxError(() => loadTable(path, options));
}


describe('file-level validation', () => {
  it('nonexistent file', async () => {
    const e = await loadError(join(dir, 'nope.csv'));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/not found: .*nope\.csv/);
    expect(e.details.hint).toBeTruthy();
  });

  it('unsupported extension', async () => {
    const e = await loadError(file('data.xlsx', 'a,b\n1,2\n'));
    expect(e.message).toMatch(/Unsupported file extension "\.xlsx"/);
    expect(e.details.hint).toMatch(/\.parquet/);
  });

  it('empty file and blank file', async () => {
    expect((await loadError(file('empty.csv', ''))).message).toMatch(/is empty \(0 bytes\)/);
    expect((await loadError(file('blank.csv', '\n\n  \n'))).message).toMatch(/no text/);
    expect((await loadError(file('empty.parquet', ''))).message).toMatch(/is empty/);
  });

  it('header-only file', async () => {
    const e = await loadError(file('header.csv', 'a,b,c\n'));
    expect(e.message).toMatch(/header but no data rows/);
    expect(e.details.count).toBe(0);
  });

  it('a ;-separated file is sniffed, and a wrong explicit delimiter is detected and named', async () => {
    const path = file('semi.csv', 'a;b;c\n1,5;2;x\n3,5;4;y\n2,0;6;x\n');
    const t = await loadTable(path);
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    const e = await loadError(path, { delimiter: ',' });
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/Wrong delimiter/);
    expect(e.message).toMatch(/3 fields on ';'/);
    expect(e.details.suggested).toBe(';');
  });

  it('a tab-separated file read with a comma delimiter is one column: detected', async () => {
    const path = file('tabs.csv', 'a\tb\tc\n1\t2\tx\n3\t4\ty\n');
    const e = await loadError(path, { delimiter: ',' });
    expect(e.message).toMatch(/single column/);
    expect(e.details.suggested).toBe('\t');
  });

  it('mixed types in an inferred column: count and example rows', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i},${i === 17 || i === 40 ? 'n/a?' : i * 2}`);
    const e = await loadError(file('mixed.csv', `id,v\n${rows.join('\n')}\n`));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/Mixed types in column "v"/);
    expect(e.details.count).toBe(2);
    expect(e.details.rows).toEqual([17, 40]);
    expect(e.message).toContain('row 17 ("n/a?")');
  });

  it('a bad number beyond the sniffer sample is still found and counted', async () => {
    const rows = Array.from({ length: 30000 }, (_, i) => `${i},${i === 29999 ? 'oops' : i % 97}`);
    const e = await loadError(file('late.csv', `id,v\n${rows.join('\n')}\n`));
    expect(e.message).toMatch(/column "v"/);
    expect(e.details.count).toBe(1);
    expect(e.details.rows).toEqual([29999]);
  });

  it('unparsable numbers in a column the schema declares numeric (schema_mismatch)', async () => {
    const path = file('unparsable.csv', 'age,city\n31,Bonn\nforty,Köln\n29,Bonn\nold,Ulm\n');
    const schema: Schema = { features: [{ name: 'age', type: 'numeric' }, { name: 'city', type: 'categorical' }] };
    const e = await loadError(path, { schema });
    expect(e.code).toBe('schema_mismatch');
    expect(e.message).toMatch(/Unparsable numbers in numeric column "age"/);
    expect(e.details.count).toBe(2);
    expect(e.details.rows).toEqual([1, 3]);
  });

  it('JSONL: a field that is a number in most rows and a string in one is reported as mixed types', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: i, v: i === 12 ? 'twelve' : i * 1.5, tag: i % 2 ? 'odd' : 'even' }));
    const e = await loadError(file('mixed.jsonl', `${lines.join('\n')}\n`));
    expect(e.message).toMatch(/Mixed types in column "v"/);
    expect(e.details.count).toBe(1);
    expect(e.details.rows).toEqual([12]);
  });

  it('schema categories are applied while loading: unknown categories and labels outside the classes are counted', async () => {
    const path = file('colors.csv', 'color,size,y\nred,1,no\nteal,2,yes\nblue,3,no\nteal,1,maybe\n');
    const schema: Schema = {
      features: [{ name: 'color', type: 'categorical', categories: ['red', 'blue'] }, { name: 'size', type: 'categorical', categories: ['1', '2', '3'] }],
      target: { name: 'y', task: 'binary', classes: ['no', 'yes'] },
    };
    const e = await loadError(path, { schema });
    expect(e.code).toBe('schema_mismatch');
    expect(e.message).toMatch(/Unknown categories in column "color" of .*colors\.csv: 2 of 4 rows hold "teal"/);
    expect(e.details.rows).toEqual([1, 3]);
    const labels = await loadError(path, { schema: { ...schema, features: [{ name: 'color', type: 'categorical' }, schema.features[1]!] } });
    expect(labels.message).toMatch(/Target values outside the classes in column "y".*1 of 4 rows hold "maybe"/);
    const ok = await loadTable(file('colors-ok.csv', 'color,size,y\nblue,3,yes\nred,1,no\n'), { schema });
    const color = findColumn(ok, 'color') as CategoricalColumn;
    expect([color.categories, Array.from(color.codes)]).toEqual([['red', 'blue'], [1, 0]]);
    expect(Array.from((findColumn(ok, 'size') as CategoricalColumn).codes)).toEqual([2, 0]);
  });

  it('rows with a different number of fields', async () => {
    const e = await loadError(file('ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n'));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/ragged\.csv have different numbers of fields/);
    expect(e.details.count).toBe(2);
    expect(e.details.lines).toEqual([3, 4]);
    expect(e.message).toMatch(/file line 3 has 2, line 4 has 4; the header is line 1/);
  });

  it('a malformed row far beyond the sniffed lines: its file line and what is wrong, not DuckDB advice', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i % 7},x${i % 3}`);
    rows[2499] = '2499,5';
    const short = await loadError(file('short-row.csv', `a,b,c\n${rows.join('\n')}\n`));
    expect(short.code).toBe('invalid_input');
    expect(short.message).toMatch(/short-row\.csv, file line 2501 \(the header is line 1\): the row has 2 fields but the header has 3/);
    expect(short.message).not.toMatch(/strict_mode/);
    rows[2499] = '2499,"5,x1';
    const quote = await loadError(file('open-quote.csv', `a,b,c\n${rows.join('\n')}\n`));
    expect(quote.message).toMatch(/open-quote\.csv, file line 2501 .*never closed/);
    expect(quote.details.line).toBe(2501);
  });
});

describe('schema validation (applySchema)', () => {
  const table = tableFromColumns({
    age: [30, NaN, 45, 50, NaN],
    job: ['a', 'b', null, 'a', 'a'],
    label: ['yes', 'no', 'no', 'yes', 'no'],
    extra: [1, 2, 3, 4, 5],
  }, { source: 'people.csv' });
  const schema: Schema = {
    features: [{ name: 'age', type: 'numeric' }, { name: 'job', type: 'categorical', categories: ['b', 'a'] }],
    target: { name: 'label', task: 'binary', classes: ['no', 'yes'], positiveClass: 'yes' },
  };

  it('missing columns are named with a suggestion', () => {
    const e = caughtGlassboxErrorSync(() => applySchema(table, { features: [{ name: 'Age', type: 'numeric' }, { name: 'salary', type: 'numeric' }] }));
    expect(e.code).toBe('schema_mismatch');
    expect(e.message).toMatch(/Missing columns in people\.csv: "Age", "salary"/);
    expect(e.details.count).toBe(2);
    expect(e.details.hint).toMatch(/"Age" → "age"/);
  });

  it('NaN/empty cells: error by default with the count per column', () => {
    const e = caughtGlassboxErrorSync(() => applySchema(table, schema));
    expect(e.code).toBe('invalid_input');
    expect(e.details.count).toBe(3);
    expect(e.details.byColumn).toEqual({ age: 2, job: 1 });
    expect(e.details.rows).toEqual([1, 4, 2]);
  });

  it('missing = drop keeps complete rows with their original row ids', () => {
    const { table: t, report } = applySchemaWithReport(table, schema, { missing: 'drop' });
    expect(t.nRows).toBe(2);
    expect(Array.from(t.rowIds)).toEqual([0, 3]);
    expect(report.droppedRows).toBe(3);
    expect(report.extraColumns).toEqual(['extra']);
  });

  it('missing = impute fills the median and the most frequent category, and reports both', () => {
    const { table: t, report } = applySchemaWithReport(table, schema, { missing: 'impute' });
    expect(Array.from((findColumn(t, 'age') as NumericColumn).values)).toEqual([30, 45, 45, 50, 45]);
    const job = findColumn(t, 'job') as CategoricalColumn;
    expect(job.categories).toEqual(['b', 'a']);
    expect(Array.from(job.codes)).toEqual([1, 0, 1, 1, 1]);
    expect(report.imputed).toEqual([
      { column: 'age', strategy: 'median', value: 45, count: 2 },
      { column: 'job', strategy: 'most_frequent', value: 'a', count: 1 },
    ]);
  });

  it('codes follow the schema category order; target codes follow the classes', () => {
    const complete = tableFromColumns({ age: [1, 2], job: ['a', 'b'], label: ['yes', 'no'] });
    const t = applySchema(complete, schema);
    expect(Array.from((findColumn(t, 'job') as CategoricalColumn).codes)).toEqual([1, 0]);
    expect(Array.from((findColumn(t, 'label') as CategoricalColumn).codes)).toEqual([1, 0]);
  });

  it('unknown categories: count, values and rows', () => {
    const t = tableFromColumns({ age: [1, 2, 3], job: ['a', 'z', 'z'], label: ['yes', 'no', 'no'] }, { source: 'x.csv' });
    const e = caughtGlassboxErrorSync(() => applySchema(t, schema));
    expect(e.code).toBe('schema_mismatch');
    expect(e.message).toMatch(/Unknown categories in column "job" of x\.csv: 2 of 3 rows hold "z"/);
    expect(e.details.rows).toEqual([1, 2]);
  });

  it('target values outside the classes', () => {
    const t = tableFromColumns({ age: [1, 2, 3], job: ['a', 'a', 'b'], label: ['yes', 'maybe', 'no'] });
    const e = caughtGlassboxErrorSync(() => applySchema(t, schema));
    expect(e.message).toMatch(/Target values outside the classes in column "label": 1 of 3 rows hold "maybe"/);
    expect(e.details.count).toBe(1);
    expect(e.details.rows).toEqual([1]);
  });

  it('a categorical column declared numeric: unparsable cells counted', () => {
    const t = tableFromColumns({ age: ['1', 'x', '3', 'y'], job: ['a', 'a', 'b', 'b'], label: ['no', 'no', 'yes', 'no'] }, { kinds: { age: 'categorical' } });
    const e = caughtGlassboxErrorSync(() => applySchema(t, schema));
    expect(e.code).toBe('schema_mismatch');
    expect(e.details.count).toBe(2);
    expect(e.details.column).toBe('age');
  });

  it('rowId: ids come from the column; non-integers are rejected with a count', () => {
    const t = tableFromColumns({ id: [10, 20, 30], age: [1, 2, 3], job: ['a', 'a', 'b'], label: ['no', 'no', 'yes'] });
    expect(Array.from(applySchema(t, { ...schema, rowId: 'id' }).rowIds)).toEqual([10, 20, 30]);
    const bad = tableFromColumns({ id: [1.5, 2, NaN], age: [1, 2, 3], job: ['a', 'a', 'b'], label: ['no', 'no', 'yes'] });
    expect(caughtGlassboxErrorSync(() => applySchema(bad, { ...schema, rowId: 'id' })).details.count).toBe(2);
  });

  it('a target with missing labels cannot be imputed', () => {
    const t = tableFromColumns({ age: [1, 2], job: ['a', 'b'], label: ['yes', null] });
    const e = caughtGlassboxErrorSync(() => applySchema(t, schema, { missing: 'impute' }));
    expect(e.details.hint).toMatch(/cannot be imputed/);
  });
});
