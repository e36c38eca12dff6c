import { GlassboxError } from '../errors.js';
import { columnNames, findColumn } from '../data/table.js';
import type { Table } from '../data/table.js';
import type { ProtectedSpec } from '../data/schema.js';
import { binByEdges, quantileBins } from './binning.js';
import type { Grouping } from '../math/stats/groups.js';

export type { Grouping } from '../math/stats/groups.js';
export { intersectGroupings } from '../math/stats/groups.js';

export interface GroupByOptions {
  /** Number of quantile bins for numeric columns (default 4). */
  readonly bins?: number;
  /** Explicit inner edges for a numeric column (overrides `bins`). */
  readonly edges?: readonly number[];
  /** Labels for the bins defined by `edges`. */
  readonly labels?: readonly string[];
  /** Category → group label, merging categories (e.g. "male : single" → "male"). */
  readonly mapping?: Readonly<Record<string, string>>;
  /** Name of the grouping (default: the column name). */
  readonly name?: string;
}

function unknownColumn(table: Table, column: string): GlassboxError {
  return new GlassboxError('invalid_argument', `There is no column "${column}" to group by${table.source ? ` in ${table.source}` : ''}.`, {
    column,
    argument: 'groupBy',
    hint: `Use one of: ${columnNames(table).join(', ')}`,
  });
}

/** Maps categories through `mapping`; categories without a mapping keep their own name. Labels sorted by code point. */
function mapCategories(codes: Int32Array, categories: readonly string[], mapping: Readonly<Record<string, string>>, name: string): Grouping {
  const mapped = categories.map((c) => mapping[c] ?? c);
  const labels = [...new Set(mapped)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(labels.map((l, i) => [l, i]));
  const lookup = Int32Array.from(mapped, (m) => index.get(m)!);
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i]! < 0 ? -1 : lookup[codes[i]!]!;
  return { name, codes: out, labels };
}

/**
 * Groups rows by any column: categories as they are (or merged by `mapping`), numbers by explicit edges
 * or by quantile bins (default 4). Text columns cannot be grouped.
 */
export function groupByColumn(table: Table, column: string, options: GroupByOptions = {}): Grouping {
  const col = findColumn(table, column);
  if (!col) throw unknownColumn(table, column);
  const name = options.name ?? column;
  if (col.kind === 'categorical') {
    if (options.mapping) return mapCategories(col.codes, col.categories, options.mapping, name);
    return { name, codes: col.codes, labels: col.categories };
  }
  if (col.kind === 'numeric') {
    const bins = options.edges ? binByEdges(col.values, options.edges, options.labels, column) : quantileBins(col.values, options.bins ?? 4, column);
    return { name, codes: bins.codes, labels: bins.labels, edges: bins.edges };
  }
  throw new GlassboxError('invalid_argument', `Column "${column}" holds free text and cannot be grouped.`, { column, argument: 'groupBy', hint: 'Group by a categorical or numeric column.' });
}

/** The grouping a schema's protected attribute declares (mapping of categories or buckets of a number). */
export function groupByProtected(table: Table, spec: ProtectedSpec): Grouping {
  const options: GroupByOptions = {
    name: spec.name,
    ...(spec.mapping ? { mapping: spec.mapping } : {}),
    ...(spec.edges ? { edges: spec.edges } : {}),
    ...(spec.labels ? { labels: spec.labels } : {}),
  };
  return groupByColumn(table, spec.column, options);
}
