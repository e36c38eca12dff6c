/** How a row's label quality is scored (lower = more likely mislabelled), as cleanlab's `rank_by`. */
export type RankBy = 'self_confidence' | 'normalized_margin';
export const RANK_BY: readonly RankBy[] = ['self_confidence', 'normalized_margin'];

/**
 * Label quality per row (cleanlab's `get_label_quality_scores` without adjustment): the self-confidence
 * p̂(ỹ | x), or the normalised margin (p̂(ỹ | x) − max_{j≠ỹ} p̂(j | x) + 1) / 2. Both lie in [0, 1].
 */
export function labelQualityScores(probabilities: Float64Array, labels: Int32Array, k: number, rankBy: RankBy = 'self_confidence'): Float64Array {
  const n = labels.length;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    const self = probabilities[i * k + y]!;
    if (rankBy === 'self_confidence') {
      scores[i] = self;
      continue;
    }
    let other = -Infinity;
    for (let c = 0; c < k; c++) if (c !== y && probabilities[i * k + c]! > other) other = probabilities[i * k + c]!;
    scores[i] = (self - other + 1) / 2;
  }
  return scores;
}
