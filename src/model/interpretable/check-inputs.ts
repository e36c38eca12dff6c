import type { RawMatrix } from '../../encode/encoder.js';
import { GlassboxError } from '../../errors.js';
import type { LearnerFeature } from './binning.js';
import type { LearnerTask } from './gam/types.js';

/**
 * Checks what every interpretable learner takes: an n × F raw matrix, F feature descriptions and n
 * labels (0/1 for binary with both classes present, finite values for regression). Returns the labels
 * as float64.
 */
export function checkLearnerInputs(raw: RawMatrix, y: ArrayLike<number>, features: readonly LearnerFeature[], task: LearnerTask, who: string): Float64Array {
  if (raw.data.length !== raw.nRows * raw.nFeatures) throw new GlassboxError('shape_mismatch', `${who}: ${raw.data.length} values do not form ${raw.nRows} × ${raw.nFeatures}.`, { argument: 'raw' });
  if (features.length !== raw.nFeatures) throw new GlassboxError('shape_mismatch', `${who}: ${features.length} features described for ${raw.nFeatures} columns.`, { argument: 'features' });
  if (raw.nRows < 2) throw new GlassboxError('invalid_input', `${who}: needs at least 2 rows; got ${raw.nRows}.`, { argument: 'raw' });
  if (y.length !== raw.nRows) throw new GlassboxError('shape_mismatch', `${who}: ${y.length} labels for ${raw.nRows} rows.`, { argument: 'y' });
  if (task !== 'binary' && task !== 'regression') throw new GlassboxError('invalid_argument', `${who}: task "${String(task)}" is not supported; interpretable learners fit binary classification or regression.`, { argument: 'task', hint: 'Use task "binary" (labels 0/1) or "regression".' });
  const out = new Float64Array(raw.nRows);
  let positives = 0;
  for (let i = 0; i < raw.nRows; i++) {
    const v = y[i]!;
    if (task === 'binary' ? v !== 0 && v !== 1 : !Number.isFinite(v)) {
      throw new GlassboxError('invalid_input', `${who}: label of row ${i} (0-based) is ${v}; ${task === 'binary' ? 'binary labels are 0 or 1' : 'regression targets must be finite'}.`, { argument: 'y', row: i, hint: 'Drop or fix the row; missing labels cannot be learned from.' });
    }
    positives += v;
    out[i] = v;
  }
  if (task === 'binary' && (positives === 0 || positives === raw.nRows)) {
    throw new GlassboxError('invalid_input', `${who}: every label is ${positives === 0 ? 0 : 1}; a classifier needs rows of both classes.`, { argument: 'y', hint: 'Check the target column and the positive class.' });
  }
  return out;
}
