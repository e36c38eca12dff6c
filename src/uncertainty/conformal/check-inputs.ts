import { GlassboxError } from '../../errors.js';

/** Row sums of probabilities may differ from 1 by this much (float32 softmax outputs). */
const SUM_TOLERANCE = 1e-3;

/**
 * Refuses what the scores cannot use: a length that is not n × k, values outside [0, 1] or NaN, and
 * (for APS/RAPS, whose scores are cumulative masses) rows that do not sum to 1 — logits, say.
 */
export function checkProbabilities(probs: ArrayLike<number>, k: number, name: string, requireSimplex: boolean): number {
  if (!(k >= 2) || probs.length % k !== 0) {
    throw new GlassboxError('shape_mismatch', `${name}: ${probs.length} values do not form rows of ${k} class probabilities.`, { argument: name, hint: 'Pass an n × K matrix of probabilities (K ≥ 2).' });
  }
  const n = probs.length / k;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const p = probs[i * k + c]!;
      if (!(p >= 0 && p <= 1)) {
        throw new GlassboxError('invalid_input', `${name}: row ${i}, class ${c} is ${p}, not a probability in [0, 1].`, { argument: name, row: i, hint: 'Pass softmax probabilities, not logits (apply softmax first).' });
      }
      sum += p;
    }
    if (requireSimplex && Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new GlassboxError('invalid_input', `${name}: row ${i} sums to ${sum.toFixed(6)}, not 1; APS and RAPS scores are cumulative probabilities.`, { argument: name, row: i, hint: 'Pass normalised class probabilities (softmax outputs), or use the lac score.' });
    }
  }
  return n;
}

/** Refuses labels that are not class indices 0..k−1, naming the row. */
export function checkLabels(labels: ArrayLike<number>, n: number, k: number, name: string): void {
  if (labels.length !== n) {
    throw new GlassboxError('shape_mismatch', `${name} has ${labels.length} labels but the predictions have ${n} rows.`, { argument: name, hint: 'One label per prediction row, in the same order.' });
  }
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= k) {
      throw new GlassboxError('invalid_input', `${name}: row ${i} has label ${y}, not a class index in 0..${k - 1}.`, { argument: name, row: i, hint: 'Labels are 0-based class indices matching the probability columns.' });
    }
  }
}
