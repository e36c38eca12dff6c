import { GlassboxError } from '../errors.js';
import type { ProtectedSpec } from './schema.js';
import { columnNames, findColumn, type Table } from './table.js';

/**
 * Protected attributes named on the command line (`--protected sex,age`): a name the schema already
 * declares keeps its spec (mappings, buckets); otherwise it names a column — categories as they are,
 * numbers split at their quartiles (distinct edges, labels "<q1", "[q1, q2)", …, ">=q3").
 */
export function protectedFromColumns(table: Table, names: readonly string[], declared: readonly ProtectedSpec[] = []): ProtectedSpec[] {
  return names.map((name): ProtectedSpec => {
    const spec = declared.find((p) => p.name === name);
    if (spec) return spec;
    const column = findColumn(table, name);
    if (!column) {
      throw new GlassboxError('invalid_argument', `--protected: "${name}" is neither a protected attribute of the schema nor a column of ${table.source ?? 'the data'}.`, {
        argument: '--protected',
        column: name,
        hint: `Columns: ${columnNames(table).slice(0, 20).join(', ')}${declared.length ? `; schema attributes: ${declared.map((p) => p.name).join(', ')}` : ''}.`,
      });
    }
    if (column.kind === 'text') {
      throw new GlassboxError('invalid_argument', `--protected: column "${name}" holds free text; a protected attribute needs categories or numbers.`, { argument: '--protected', column: name, hint: 'Declare the groups in the schema ("protected" with a mapping).' });
    }
    if (column.kind === 'categorical') return { name, column: name };
    const edges = quartileEdges(column.values);
    if (edges.length === 0) throw new GlassboxError('invalid_argument', `--protected: numeric column "${name}" holds a single value, so it splits no groups.`, { argument: '--protected', column: name, hint: 'Pick another attribute.' });
    const labels = [`<${edges[0]}`, ...edges.slice(1).map((e, k) => `[${edges[k]}, ${e})`), `>=${edges[edges.length - 1]}`];
    return { name, column: name, edges, labels };
  });
}

/** Distinct quartiles (25/50/75%, lower interpolation) of the finite values, above the minimum. */
function quartileEdges(values: Float64Array): number[] {
  const sorted = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  if (sorted.length === 0) return [];
  const at = (q: number): number => sorted[Math.floor(q * (sorted.length - 1))]!;
  const edges = [at(0.25), at(0.5), at(0.75)].filter((e) => e > sorted[0]!);
  return [...new Set(edges)];
}
