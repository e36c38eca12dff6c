import { GlassboxError } from '../../errors.js';
import type { ConfidenceInterval } from '../../math/stats/interval.js';
import { wilsonInterval } from '../../math/stats/wilson.js';

export interface VogErrorConcentration {
  /** Share of rows called "top": the highest-VoG fraction (default 0.1). */
  readonly topFraction: number;
  readonly topN: number;
  readonly topErrors: number;
  readonly topErrorRate: number;
  readonly topInterval: ConfidenceInterval;
  readonly restN: number;
  readonly restErrors: number;
  /** null when every row is in the top (no rest). */
  readonly restErrorRate: number | null;
  readonly restInterval: ConfidenceInterval;
  /** topErrorRate / restErrorRate; null when the rest has no error. */
  readonly ratio: number | null;
  /** Error rate per VoG decile, lowest first (as the paper's Fig. 4 plots it). */
  readonly deciles: readonly { readonly decile: number; readonly n: number; readonly errorRate: number | null }[];
}

/**
 * How errors concentrate among high-VoG rows: the error rate of the `topFraction` rows with the highest
 * scores against the rest, with Wilson 95% intervals, and the error rate per score decile (Agarwal et al.
 * 2022, Fig. 4). NaN scores rank lowest. Ties are broken by row order, so the split is deterministic.
 */
export function vogErrorConcentration(scores: ArrayLike<number>, labels: ArrayLike<number>, predictions: ArrayLike<number>, topFraction = 0.1): VogErrorConcentration {
  const n = scores.length;
  if (labels.length !== n || predictions.length !== n) throw new GlassboxError('shape_mismatch', `vogErrorConcentration: ${n} scores, ${labels.length} labels, ${predictions.length} predictions.`, { hint: 'Pass one label and one prediction per scored row.' });
  if (!(topFraction > 0 && topFraction <= 1)) throw new GlassboxError('invalid_argument', `topFraction must be in (0, 1] (got ${topFraction}).`, { argument: 'topFraction' });
  const key = (i: number): number => (Number.isNaN(scores[i]!) ? Number.NEGATIVE_INFINITY : scores[i]!);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(b) - key(a) || a - b);
  const topN = Math.max(1, Math.round(topFraction * n));
  let topErrors = 0;
  let restErrors = 0;
  order.forEach((row, rank) => {
    const wrong = labels[row] !== predictions[row] ? 1 : 0;
    if (rank < topN) topErrors += wrong;
    else restErrors += wrong;
  });
  const restN = n - topN;
  const topErrorRate = topErrors / topN;
  const restErrorRate = restN > 0 ? restErrors / restN : null;
  const deciles = Array.from({ length: 10 }, (_, d) => {
    // decile d (0 = lowest VoG) holds ranks from the bottom [d·n/10, (d+1)·n/10)
    const lo = Math.round((d * n) / 10);
    const hi = Math.round(((d + 1) * n) / 10);
    let errors = 0;
    for (let r = lo; r < hi; r++) {
      const row = order[n - 1 - r]!;
      if (labels[row] !== predictions[row]) errors++;
    }
    return { decile: d + 1, n: hi - lo, errorRate: hi > lo ? errors / (hi - lo) : null };
  });
  return {
    topFraction,
    topN,
    topErrors,
    topErrorRate,
    topInterval: wilsonInterval(topErrors, topN),
    restN,
    restErrors,
    restErrorRate,
    restInterval: wilsonInterval(restErrors, restN),
    ratio: restErrorRate !== null && restErrorRate > 0 ? topErrorRate / restErrorRate : null,
    deciles,
  };
}
