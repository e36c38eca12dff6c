import type { RawMatrix } from '../../../encode/encoder.js';
import { GlassboxError } from '../../../errors.js';
import { binCount, binOf } from '../binning.js';
import type { Gam } from './types.js';

/**
 * The GAM's score of every row: intercept + Σ main-effect scores + Σ pair scores (the logit for binary
 * tasks, the value for regression). Values outside the training range fall in the end bins; missing
 * values and unknown categories in bin 0.
 */
export function gamScores(gam: Gam, raw: RawMatrix): Float64Array {
  const F = raw.nFeatures;
  if (F !== gam.featureNames.length) throw new GlassboxError('shape_mismatch', `The GAM takes ${gam.featureNames.length} columns (${gam.featureNames.join(', ')}); got ${F}.`, { argument: 'raw' });
  const out = new Float64Array(raw.nRows).fill(gam.intercept);
  for (const term of gam.terms) {
    if (term.kind === 'main') {
      const j = term.feature;
      for (let i = 0; i < raw.nRows; i++) out[i]! += term.scores[binOf(term.binning, raw.data[i * F + j]!)]!;
    } else {
      const [a, b] = term.features;
      const cols = binCount(term.binnings[1]);
      for (let i = 0; i < raw.nRows; i++) out[i]! += term.scores[binOf(term.binnings[0], raw.data[i * F + a]!) * cols + binOf(term.binnings[1], raw.data[i * F + b]!)]!;
    }
  }
  return out;
}

/** Each term's contribution to one row's score (main terms first, then pairs, in the GAM's term order). */
export function gamContributions(gam: Gam, raw: RawMatrix, row: number): Float64Array {
  const F = raw.nFeatures;
  const x = (j: number): number => raw.data[row * F + j]!;
  return Float64Array.from(gam.terms, (term) => {
    if (term.kind === 'main') return term.scores[binOf(term.binning, x(term.feature))]!;
    const cols = binCount(term.binnings[1]);
    return term.scores[binOf(term.binnings[0], x(term.features[0])) * cols + binOf(term.binnings[1], x(term.features[1]))]!;
  });
}
