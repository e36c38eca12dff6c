import type { CategoricalColumn, Column, Table } from '../data/table.js';
import { cellText } from '../data/column-convert.js';
import { dataError } from '../data/data-errors.js';
import { GlassboxError } from '../errors.js';
import type { Encoder } from './encoder.js';
import { declarativeEncoder, type DeclarativeEncoder } from './declarative.js';
import type { RawFeature } from './raw-matrix.js';

/**
 * What to do with a category the encoding does not list (`--unknown-category`):
 * - 'error' (default): stop, listing the rows that hold it;
 * - 'ignore': treat it as missing; the encoder then writes all zeros (one-hot) or NaN (ordinal, a
 *   tree model's missing branch), as scikit-learn's `handle_unknown="ignore"`;
 * - 'most-frequent': replace it by the column's most frequent known category in the reference rows.
 */
export type UnknownCategoryPolicy = 'error' | 'ignore' | 'most-frequent';
export const UNKNOWN_CATEGORY_POLICIES: readonly UnknownCategoryPolicy[] = ['error', 'ignore', 'most-frequent'];

/** The unknown categories of one column: which values, in how many rows, and those rows' ids. */
export interface UnknownCategories {
  readonly column: string;
  readonly values: readonly string[];
  readonly count: number;
  /** 0-based data row ids (header excluded) of the rows holding them, in table order. */
  readonly rowIds: readonly number[];
  /** 'most-frequent': the category they were replaced by. */
  readonly replacement?: string;
}

export interface ConformCategoriesOptions {
  readonly policy?: UnknownCategoryPolicy;
  /** Rows (indices into the table) whose known categories define "most frequent"; all rows when omitted. */
  readonly referenceRows?: Int32Array | readonly number[];
}

/** Row ids listed in an error message; the count is always given in full. */
const LISTED_ROWS = 20;

/**
 * Codes every categorical column the features name against the feature's category list (the
 * encoding's, never one refitted from this data), so `rawMatrixFromTable` finds no surprise.
 * Values outside the list follow `policy`. Returns the conformed table and, per column, what was
 * unknown — with 'error' the first such column throws instead, listing its rows.
 */
export function conformCategories(table: Table, features: readonly RawFeature[], options: ConformCategoriesOptions = {}): { table: Table; unknown: UnknownCategories[] } {
  const policy = options.policy ?? 'error';
  const byName = new Map(features.filter((f) => f.type === 'categorical').map((f) => [f.name, f]));
  const unknown: UnknownCategories[] = [];
  const columns = table.columns.map((column): Column => {
    const feature = byName.get(column.name);
    if (!feature || column.kind === 'text' && !feature.categories) return column;
    const conformed = recode(table, column, feature.categories ?? []);
    if (conformed.rows.length === 0) return conformed.column;
    const found: UnknownCategories = { column: column.name, values: [...conformed.values], count: conformed.rows.length, rowIds: conformed.rows.map((i) => table.rowIds[i]!) };
    if (policy === 'error') throw unknownCategoryError(table, found, feature.categories ?? []);
    if (policy === 'ignore') {
      unknown.push(found);
      return conformed.column;
    }
    const mode = mostFrequent(conformed.column, options.referenceRows);
    if (mode < 0) throw unknownCategoryError(table, found, feature.categories ?? [], 'no row holds a known category to use as the most frequent one');
    const codes = Int32Array.from(conformed.column.codes);
    for (const i of conformed.rows) codes[i] = mode;
    unknown.push({ ...found, replacement: conformed.column.categories[mode]! });
    return { ...conformed.column, codes };
  });
  return { table: { ...table, columns }, unknown };
}

/** The column coded against `categories`; rows whose value is not listed get -1 and are returned. */
function recode(table: Table, column: Column, categories: readonly string[]): { column: CategoricalColumn; rows: number[]; values: Set<string> } {
  const index = new Map(categories.map((c, k) => [c, k]));
  const codes = new Int32Array(table.nRows);
  const rows: number[] = [];
  const values = new Set<string>();
  const remap = column.kind === 'categorical' ? column.categories.map((c) => index.get(c) ?? -2) : undefined;
  for (let i = 0; i < table.nRows; i++) {
    let code: number;
    if (remap && column.kind === 'categorical') code = column.codes[i]! < 0 ? -1 : remap[column.codes[i]!]!;
    else {
      const text = cellText(column, i);
      code = text === undefined ? -1 : index.get(text) ?? -2;
    }
    if (code === -2) {
      rows.push(i);
      values.add(cellText(column, i)!);
      code = -1;
    }
    codes[i] = code;
  }
  return { column: { kind: 'categorical', name: column.name, codes, categories }, rows, values };
}

function mostFrequent(column: CategoricalColumn, rows: Int32Array | readonly number[] | undefined): number {
  const counts = new Float64Array(column.categories.length);
  const n = rows ? rows.length : column.codes.length;
  for (let r = 0; r < n; r++) {
    const code = column.codes[rows ? rows[r]! : r]!;
    if (code >= 0) counts[code]!++;
  }
  let best = -1;
  for (let k = 0; k < counts.length; k++) if (counts[k]! > 0 && (best < 0 || counts[k]! > counts[best]!)) best = k;
  return best;
}

function unknownCategoryError(table: Table, found: UnknownCategories, known: readonly string[], why?: string): GlassboxError {
  const where = table.source ? ` of ${table.source}` : '';
  const values = found.values.slice(0, 5).map((v) => JSON.stringify(v)).join(', ');
  const rows = found.rowIds.slice(0, LISTED_ROWS).join(', ') + (found.count > LISTED_ROWS ? `, … (${found.count - LISTED_ROWS} more)` : '');
  const shown = known.slice(0, 8).map((c) => JSON.stringify(c)).join(', ') + (known.length > 8 ? ', …' : '');
  return dataError('schema_mismatch', `Unknown categories in column "${found.column}"${where}: ${found.count} of ${table.nRows} rows hold ${values}, which the encoding does not list${why ? ` (${why})` : ''}. Data rows (0-based, header excluded): ${rows}.`, {
    file: table.source,
    column: found.column,
    count: found.count,
    rowIds: found.rowIds.slice(0, 1000),
    unknown: found.values.slice(0, 20),
    hint: `The encoding knows ${shown}. Choose a policy with --unknown-category ignore (treat as missing) or most-frequent, fix the data, or give the schema / preprocess spec the model was trained with.`,
  });
}

/** The same encoder with unknown (NaN-coded) categories let through: one-hot zeros, ordinal NaN. */
export function ignoringUnknownCategories(encoder: Encoder): Encoder {
  const spec = (encoder as Partial<DeclarativeEncoder>).spec;
  if (spec === undefined) {
    throw new GlassboxError('invalid_argument', '--unknown-category ignore needs a declarative encoder (a function encoder decides itself what an unknown category means).', {
      argument: '--unknown-category',
      hint: 'Use --unknown-category most-frequent or error.',
    });
  }
  const steps = spec.steps.map((step) => (step.kind === 'onehot' || step.kind === 'ordinal' ? { ...step, handle_unknown: 'ignore' as const } : step));
  return declarativeEncoder({ ...spec, steps }, 'encoder');
}
