import { clopperPearsonInterval } from '../../math/stats/clopper-pearson.js';
import type { ConfidenceInterval } from '../../math/stats/interval.js';
import type { PredictionSets } from './split-conformal.js';

/** Coverage and set size of one group of rows (or of all rows). */
export interface CoverageSummary {
  readonly n: number;
  readonly covered: number;
  /** Share of rows whose set holds the true label; null when n = 0. */
  readonly coverage: number | null;
  /** Clopper–Pearson interval of the coverage (exact binomial, at least its level for every p). */
  readonly coverageInterval: ConfidenceInterval | null;
  /** Mean number of classes per set; null when n = 0. */
  readonly averageSetSize: number | null;
  /** Share of empty sets; null when n = 0. */
  readonly emptyRate: number | null;
  /** How many sets have 0, 1, …, k classes. */
  readonly setSizeCounts: readonly number[];
}

export interface GroupCoverage extends CoverageSummary {
  readonly group: string;
}

function summarise(sets: PredictionSets, labels: ArrayLike<number>, rows: readonly number[] | null, level: number): CoverageSummary {
  const counts = new Array<number>(sets.k + 1).fill(0);
  let n = 0;
  let covered = 0;
  let sizeSum = 0;
  const visit = (i: number): void => {
    n++;
    const size = sets.sizes[i]!;
    counts[size]!++;
    sizeSum += size;
    const y = labels[i]!;
    if (y >= 0 && sets.mask[i * sets.k + y]) covered++;
  };
  if (rows) for (const i of rows) visit(i);
  else for (let i = 0; i < sets.n; i++) visit(i);
  return {
    n,
    covered,
    coverage: n > 0 ? covered / n : null,
    coverageInterval: n > 0 ? { ...clopperPearsonInterval(covered, n, level) } : null,
    averageSetSize: n > 0 ? sizeSum / n : null,
    emptyRate: n > 0 ? counts[0]! / n : null,
    setSizeCounts: counts,
  };
}

/** Coverage of labelled sets: overall (labels are class indices; all rows must be labelled). */
export function setCoverage(sets: PredictionSets, labels: ArrayLike<number>, level = 0.95): CoverageSummary {
  return summarise(sets, labels, null, level);
}

/**
 * Coverage and mean set size per group: `codes[i]` is row i's group (−1: in none), `names` the groups'
 * labels. Each group's coverage carries its own Clopper–Pearson interval.
 */
export function coverageByGroup(sets: PredictionSets, labels: ArrayLike<number>, codes: ArrayLike<number>, names: readonly string[], level = 0.95): GroupCoverage[] {
  const members: number[][] = names.map(() => []);
  for (let i = 0; i < sets.n; i++) {
    const g = codes[i]!;
    if (g >= 0 && g < names.length) members[g]!.push(i);
  }
  return names.map((group, g) => ({ group, ...summarise(sets, labels, members[g]!, level) }));
}
