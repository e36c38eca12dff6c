import { proportions } from './binning.js';

/**
 * Jensen–Shannon distance in base 2 between the binned reference and current distributions (Lin 1991;
 * Endres & Schindelin 2003 for the square root being a metric): √((KL(P‖M) + KL(Q‖M)) / 2) with
 * M = (P + Q)/2 and 0·log 0 = 0, so no smoothing is needed. It lies in [0, 1]: 0 for identical
 * histograms, 1 for disjoint ones. As scipy.spatial.distance.jensenshannon(p, q, base=2).
 */
export function jensenShannonDistance(referenceCounts: Float64Array, currentCounts: Float64Array): number {
  const p = proportions(referenceCounts);
  const q = proportions(currentCounts);
  let js = 0;
  for (let b = 0; b < p.length; b++) {
    const m = (p[b]! + q[b]!) / 2;
    if (p[b]! > 0) js += p[b]! * Math.log2(p[b]! / m);
    if (q[b]! > 0) js += q[b]! * Math.log2(q[b]! / m);
  }
  return Math.sqrt(Math.max(0, js / 2));
}
