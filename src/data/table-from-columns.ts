import { GlassboxError } from '../errors.js';
import type { Column, ColumnKind, Table } from './table.js';
import { sortedUnique } from './code-point.js';
import { inferTextKind } from './column-plan.js';

/** Column data for {@link tableFromColumns}: numbers (null/NaN = missing) or strings (null/'' = missing). */
export type ColumnData = Float64Array | Float32Array | Int32Array | readonly (number | null)[] | readonly (string | null | undefined)[];

export interface FromColumnsOptions {
  /** Kinds per column; strings are otherwise categorical or text by the loader's heuristics, numbers numeric. */
  readonly kinds?: Readonly<Record<string, ColumnKind>> | undefined;
  /** Category order per categorical column (codes follow it); otherwise sorted by code point. */
  readonly categories?: Readonly<Record<string, readonly string[]>> | undefined;
  readonly source?: string | undefined;
  readonly maxCategories?: number | undefined;
}

function isStringData(data: ColumnData): data is readonly (string | null | undefined)[] {
  if (!Array.isArray(data)) return false;
  return data.some((v) => typeof v === 'string');
}

function numericColumn(name: string, data: ColumnData): Column {
  const values = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    values[i] = v === null || v === undefined || v === '' ? NaN : Number(v);
  }
  return { kind: 'numeric', name, values };
}

function categoricalColumn(name: string, texts: readonly (string | undefined)[], order: readonly string[] | undefined): Column {
  const categories = order ? [...order] : sortedUnique(texts.filter((t): t is string => t !== undefined));
  const index = new Map(categories.map((c, k) => [c, k]));
  const codes = new Int32Array(texts.length);
  texts.forEach((t, i) => {
    const code = t === undefined ? -1 : index.get(t);
    if (code === undefined) {
      throw new GlassboxError('invalid_argument', `Column "${name}": value ${JSON.stringify(t)} at row ${i} is not in the given categories.`, {
        column: name, row: i, hint: 'Add it to options.categories, or leave the order to be inferred.',
      });
    }
    codes[i] = code;
  });
  return { kind: 'categorical', name, codes, categories };
}

/**
 * Builds a {@link Table} from in-memory columns (tests, generated data). Row ids are 0..n-1. All columns must
 * have the same length.
 */
export function tableFromColumns(columns: Readonly<Record<string, ColumnData>>, options: FromColumnsOptions = {}): Table {
  const entries = Object.entries(columns);
  const nRows = entries[0]?.[1].length ?? 0;
  const out = entries.map(([name, data]): Column => {
    if (data.length !== nRows) {
      throw new GlassboxError('shape_mismatch', `Column "${name}" has ${data.length} rows, but "${entries[0]![0]}" has ${nRows}.`, {
        column: name, hint: 'Give every column the same number of rows.',
      });
    }
    const declared = options.kinds?.[name];
    if (declared === 'numeric' || (!declared && !isStringData(data))) return numericColumn(name, data);
    const texts = Array.from(data as ArrayLike<unknown>, (v) => (v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v)) ? undefined : String(v)));
    const present = texts.filter((t): t is string => t !== undefined);
    const kind = declared ?? inferTextKind({
      nonMissing: present.length,
      distinct: new Set(present).size,
      meanLength: present.reduce((s, t) => s + t.length, 0) / Math.max(1, present.length),
      numericShare: 0,
    }, { maxCategories: options.maxCategories ?? 256 });
    if (kind === 'text') return { kind: 'text', name, values: texts.map((t) => t ?? '') };
    return categoricalColumn(name, texts, options.categories?.[name]);
  });
  const rowIds = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) rowIds[i] = i;
  return { nRows, columns: out, rowIds, ...(options.source ? { source: options.source } : {}) };
}
