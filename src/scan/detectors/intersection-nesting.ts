import { newcombeInterval } from '../../math/stats/newcombe.js';
import type { Grouping } from '../../math/stats/groups.js';

/** How the worst cell of an intersection compares with the rest of one parent group. */
export interface ParentComparison {
  /** Index of the parent attribute among the intersected ones. */
  readonly parent: number;
  readonly attribute: string;
  readonly group: string;
  /** Selection rate of the cell minus that of the parent group's other rows, with Newcombe's interval. */
  readonly difference: number;
  readonly low: number;
  readonly high: number;
  /** The cell is selected significantly less often than the rest of its parent group. */
  readonly worse: boolean;
}

/**
 * Is an intersection's disparity more than its parents' disparities restated? The cell with the lowest
 * selection rate (say sex = Female ∧ age = <25) is compared with the rest of each parent group (Female
 * rows of other ages; <25 rows of the other sex) — a difference of independent proportions, with
 * Newcombe's hybrid score interval. The intersection stands as a finding of its own only when the cell is
 * significantly worse than every parent group; otherwise what it shows is already the parent's
 * disparity (being under 25 explains the cell's rate) and it belongs under that parent.
 */
export function compareWithParents(intersection: Grouping, parents: readonly Grouping[], worstCell: string, decisions: Uint8Array, level: number): ParentComparison[] {
  const cell = intersection.labels.indexOf(worstCell);
  const first = intersection.codes.findIndex((c) => c === cell);
  if (cell < 0 || first < 0) return [];
  return parents.map((parent, p) => {
    const group = parent.codes[first]!;
    const counts = { inCell: 0, inCellSelected: 0, rest: 0, restSelected: 0 };
    for (let i = 0; i < decisions.length; i++) {
      if (parent.codes[i] !== group || intersection.codes[i]! < 0) continue;
      if (intersection.codes[i] === cell) {
        counts.inCell++;
        counts.inCellSelected += decisions[i]!;
      } else {
        counts.rest++;
        counts.restSelected += decisions[i]!;
      }
    }
    const ci = newcombeInterval(counts.inCellSelected, counts.inCell, counts.restSelected, counts.rest, level);
    const difference = counts.rest > 0 ? counts.inCellSelected / counts.inCell - counts.restSelected / counts.rest : Number.NaN;
    return { parent: p, attribute: parent.name, group: parent.labels[group] ?? String(group), difference, low: ci.low, high: ci.high, worse: ci.high < 0 };
  });
}
