import { GlassboxError } from '../errors.js';

/** Out-of-sample class probabilities (n × k, row-major) and the given label of each row. */
export interface LabelledProbabilities {
  readonly probabilities: Float64Array;
  readonly labels: Int32Array;
  readonly n: number;
  readonly k: number;
}

/**
 * Checks probabilities and labels before any work: n × k finite values in [0, 1] whose rows sum to 1
 * (within 1e-3), labels that are class indices 0..k−1, at least two classes. `source` names the input in
 * messages.
 */
export function checkLabelledProbabilities(probabilities: ArrayLike<number>, labels: ArrayLike<number>, k: number, source = 'probabilities'): LabelledProbabilities {
  if (!Number.isInteger(k) || k < 2) throw new GlassboxError('invalid_input', `${source}: label issues need at least 2 classes; got ${k}.`, { argument: 'k', hint: 'Confident learning compares classes; a single-class or regression target has no label issues to find.' });
  const n = labels.length;
  if (n === 0) throw new GlassboxError('invalid_input', `${source}: no labelled rows.`, { argument: 'labels' });
  if (probabilities.length !== n * k) throw new GlassboxError('shape_mismatch', `${source}: ${probabilities.length} values do not form ${n} rows × ${k} classes.`, { argument: 'probabilities', hint: 'Give one probability per class for every labelled row, row-major.' });
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new GlassboxError('invalid_input', `${source}: the label of row ${i} is ${y}; labels are class indices 0..${k - 1}.`, { argument: 'labels', row: i, hint: 'Drop unlabelled rows before looking for label issues.' });
    codes[i] = y;
  }
  const probs = Float64Array.from(probabilities);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const p = probs[i * k + c]!;
      if (!(p >= 0 && p <= 1)) throw new GlassboxError('invalid_input', `${source}: row ${i}, class ${c} has probability ${p}; probabilities lie in [0, 1].`, { argument: 'probabilities', row: i, hint: 'Pass probabilities (softmax of logits), not scores.' });
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-3) throw new GlassboxError('invalid_input', `${source}: the probabilities of row ${i} sum to ${sum.toFixed(6)}, not 1.`, { argument: 'probabilities', row: i, hint: 'Pass one probability per class (a softmax output), not one-vs-rest scores.' });
  }
  return { probabilities: probs, labels: codes, n, k };
}

/** Number of rows per given label. */
export function labelCounts(labels: Int32Array, k: number): Float64Array {
  const counts = new Float64Array(k);
  for (const y of labels) counts[y]! += 1;
  return counts;
}
