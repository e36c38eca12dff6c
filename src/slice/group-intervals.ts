import { toRng } from '../rng.js';
import type { Rng } from '../rng.js';
import { zCritical } from '../math/stats/normal.js';
import { quantileSorted } from '../math/stats/quantile.js';

/** An interval as reported in group tables (null bounds when undefined). */
export interface GroupInterval {
  readonly low: number | null;
  readonly high: number | null;
  readonly method: 'wilson' | 'percentile-bootstrap' | 'normal';
}

export interface MeanIntervalOptions {
  readonly iterations: number;
  readonly level: number;
  /** Groups larger than this get a normal (CLT) interval instead of a bootstrap. */
  readonly maxBootstrapRows: number;
}

/**
 * Intervals for the means of several per-row quantities over the same rows: a percentile bootstrap that
 * resamples rows once per replicate for all quantities (so the intervals come from the same resamples),
 * or mean ± z·s/√n for groups above `maxBootstrapRows`.
 */
export function meanIntervals(values: readonly Float64Array[], rows: Int32Array, options: MeanIntervalOptions, seed: number | Rng): GroupInterval[] {
  const m = rows.length;
  const q = values.length;
  if (m === 0) return values.map(() => ({ low: null, high: null, method: 'percentile-bootstrap' }));
  if (m > options.maxBootstrapRows) return values.map((v) => normalInterval(v, rows, options.level));
  const rng = toRng(seed);
  const B = options.iterations;
  const reps = values.map(() => new Float64Array(B));
  const sums = new Float64Array(q);
  for (let b = 0; b < B; b++) {
    sums.fill(0);
    for (let i = 0; i < m; i++) {
      const r = rows[rng.int(m)]!;
      for (let j = 0; j < q; j++) sums[j]! += values[j]![r]!;
    }
    for (let j = 0; j < q; j++) reps[j]![b] = sums[j]! / m;
  }
  const alpha = (1 - options.level) / 2;
  return reps.map((rep) => {
    rep.sort();
    return { low: quantileSorted(rep, alpha), high: quantileSorted(rep, 1 - alpha), method: 'percentile-bootstrap' as const };
  });
}

function normalInterval(v: Float64Array, rows: Int32Array, level: number): GroupInterval {
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < rows.length; i++) {
    const x = v[rows[i]!]!;
    const d = x - mean;
    mean += d / (i + 1);
    m2 += d * (x - mean);
  }
  const se = Math.sqrt(m2 / (rows.length - 1) / rows.length);
  const z = zCritical(level);
  return { low: mean - z * se, high: mean + z * se, method: 'normal' };
}
