/**
 * A columnar table: numbers as Float64Array (NaN = missing), categoricals as Int32Array codes into a
 * dictionary (-1 = missing), text as strings. No per-row objects.
 */
export type ColumnKind = 'numeric' | 'categorical' | 'text';

export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
}

export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly name: string;
  readonly codes: Int32Array;
  readonly categories: readonly string[];
}

export interface TextColumn {
  readonly kind: 'text';
  readonly name: string;
  readonly values: readonly string[];
}

export type Column = NumericColumn | CategoricalColumn | TextColumn;

export interface Table {
  readonly nRows: number;
  readonly columns: readonly Column[];
  /** 0-based index of each row in its source file (header excluded). */
  readonly rowIds: Int32Array;
  /** Where the table came from, for error messages. */
  readonly source?: string;
}

export function columnNames(table: Table): string[] {
  return table.columns.map((c) => c.name);
}

export function findColumn(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

/** Categorical value of a row as text, or undefined when missing. */
export function categoryAt(column: CategoricalColumn, row: number): string | undefined {
  const code = column.codes[row] ?? -1;
  return code < 0 ? undefined : column.categories[code];
}

/** A new table holding only the given rows (in the given order). */
export function takeRows(table: Table, rows: Int32Array | readonly number[]): Table {
  const n = rows.length;
  const columns = table.columns.map((column): Column => {
    switch (column.kind) {
      case 'numeric': {
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) values[i] = column.values[rows[i]!]!;
        return { kind: 'numeric', name: column.name, values };
      }
      case 'categorical': {
        const codes = new Int32Array(n);
        for (let i = 0; i < n; i++) codes[i] = column.codes[rows[i]!]!;
        return { kind: 'categorical', name: column.name, codes, categories: column.categories };
      }
      case 'text': {
        const values = new Array<string>(n);
        for (let i = 0; i < n; i++) values[i] = column.values[rows[i]!]!;
        return { kind: 'text', name: column.name, values };
      }
    }
  });
  const rowIds = new Int32Array(n);
  for (let i = 0; i < n; i++) rowIds[i] = table.rowIds[rows[i]!]!;
  return { nRows: n, columns, rowIds, ...(table.source ? { source: table.source } : {}) };
}

/** Rows where `keep` returns true. */
export function filterRows(table: Table, keep: (row: number) => boolean): Table {
  const rows: number[] = [];
  for (let i = 0; i < table.nRows; i++) if (keep(i)) rows.push(i);
  return takeRows(table, rows);
}
