import { intersectGroupings } from '../math/stats/groups.js';
import type { Grouping } from '../math/stats/groups.js';

/** Intersection of sensitive features (labels "a|b"), as Fairlearn's MetricFrame does with several columns. */
export function intersect(parts: readonly Grouping[]): Grouping {
  return intersectGroupings(parts);
}

/** Every grouping and every intersection of up to k of them (k = 2 by default, as `glassbox fairness` reports). */
export function withIntersections(groupings: readonly Grouping[], maxOrder = 2): Grouping[] {
  const out: Grouping[] = [];
  const build = (start: number, chosen: Grouping[], size: number): void => {
    if (chosen.length === size) {
      out.push(size === 1 ? chosen[0]! : intersectGroupings(chosen));
      return;
    }
    for (let i = start; i < groupings.length; i++) build(i + 1, [...chosen, groupings[i]!], size);
  };
  for (let size = 1; size <= Math.min(maxOrder, groupings.length); size++) build(0, [], size);
  return out;
}
