import { proportions } from './binning.js';

/** Proportions are floored at this value before PSI takes logarithms, so an empty bin contributes a finite amount. */
export const PSI_EPSILON = 1e-4;

/**
 * Population stability index PSI = Σ_b (c_b − r_b)·ln(c_b / r_b) over the bins, with r and c the reference
 * and current proportions, each floored at {@link PSI_EPSILON} (the usual credit-scoring convention;
 * Yurdakul 2018, "Statistical properties of population stability index"). PSI is the symmetrised
 * Kullback–Leibler divergence; rules of thumb read < 0.1 as stable, 0.1–0.25 as a moderate shift and
 * > 0.25 as a major shift. Bins: see binning.ts (reference deciles, or categories).
 */
export function populationStabilityIndex(referenceCounts: Float64Array, currentCounts: Float64Array): number {
  const r = proportions(referenceCounts);
  const c = proportions(currentCounts);
  let psi = 0;
  for (let b = 0; b < r.length; b++) {
    const rb = Math.max(r[b]!, PSI_EPSILON);
    const cb = Math.max(c[b]!, PSI_EPSILON);
    psi += (cb - rb) * Math.log(cb / rb);
  }
  return psi;
}
