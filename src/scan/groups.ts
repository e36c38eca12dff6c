import type { ScanContext } from './detector.js';
import { protectedGroups } from '../data/schema-helpers.js';

/** One grouping of the audited rows: a group code per row (-1 = none) and the group labels. */
export interface GroupAssignment {
  readonly name: string;
  readonly codes: Int32Array;
  readonly labels: readonly string[];
}

/** The protected-attribute groupings the schema declares, resolved on the audited rows. */
export function scanGroups(context: Pick<ScanContext, 'table' | 'schema'>): GroupAssignment[] {
  return protectedGroups(context.table, context.schema.protected ?? []);
}
