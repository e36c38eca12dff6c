import { GlassboxError } from '../../../errors.js';
import { protectedFromColumns } from '../../../data/protected-columns.js';
import type { ProtectedSpec, Schema } from '../../../data/schema.js';
import type { Table } from '../../../data/table.js';
import type { Grouping } from '../../../math/stats/groups.js';
import { groupByProtected } from '../../../slice/groupings.js';
import { parseList } from '../../options.js';

/** The one protected attribute `--protected` names (a schema attribute or a column), read from `flag`. */
export function protectedSpec(flag: string | undefined, table: Table, schema: Schema): ProtectedSpec {
  const names = flag === undefined ? (schema.protected ?? []).map((p) => p.name).slice(0, 1) : parseList(flag);
  if (names.length === 0) throw new GlassboxError('invalid_argument', 'Missing --protected: name the protected attribute whose groups the mitigation equalises.', { argument: '--protected', hint: 'e.g. --protected age_group (a schema attribute) or --protected sex (a column).' });
  if (names.length > 1) throw new GlassboxError('invalid_argument', `--protected names ${names.length} attributes (${names.join(', ')}); mitigate equalises the groups of one.`, { argument: '--protected', hint: 'Name one attribute; with more than two groups each group is compared with the rest.' });
  return protectedFromColumns(table, names, schema.protected ?? [])[0]!;
}

/**
 * The grouping of each table by one spec (fixed edges, so training and held-out rows share labels and
 * codes). Refuses a spec that splits the first table into fewer than two groups.
 */
export function groupTables(spec: ProtectedSpec, tables: readonly Table[]): Grouping[] {
  const groupings = tables.map((t) => groupByProtected(t, spec));
  const first = groupings[0]!;
  const present = new Set(Array.from(first.codes).filter((c) => c >= 0));
  if (present.size < 2) {
    const only = present.size === 1 ? ` (every row is "${first.labels[[...present][0]!]}")` : '';
    throw new GlassboxError('invalid_input', `--protected ${spec.name}: the rows fall into ${present.size} group${present.size === 1 ? '' : 's'}${only}, so there is nothing to equalise.`, { argument: '--protected', column: spec.column, hint: 'Pick an attribute with at least two groups among the training rows.' });
  }
  return groupings;
}
