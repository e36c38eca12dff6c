import { GlassboxError } from '../errors.js';
import type { Task } from '../model/model.js';
import type { TargetSelector } from './explainer.js';
import { argmaxOfRows } from '../math/argmax-rows.js';

/**
 * Resolves a target selector to one output column per row. The default is the positive class for
 * binary models, the predicted class for multiclass models and column 0 for regression.
 * `outputs` holds the model's outputs for the explained rows (nRows × width).
 */
export function resolveTarget(
  selector: TargetSelector | undefined,
  outputs: ArrayLike<number>,
  nRows: number,
  model: { readonly task: Task; readonly outputWidth: number },
): Int32Array {
  const width = model.outputWidth;
  const out = new Int32Array(nRows);
  if (selector === undefined) {
    if (model.task === 'binary') return out.fill(width - 1);
    if (model.task === 'regression') return out;
    return argmaxOfRows(outputs, nRows, width);
  }
  if (selector === 'predicted') return model.task === 'regression' ? out : argmaxOfRows(outputs, nRows, width);
  if (typeof selector === 'number') {
    checkColumn(selector, width, 'target');
    return out.fill(selector);
  }
  if (selector.length !== nRows) {
    throw new GlassboxError('shape_mismatch', `target has ${selector.length} entries but ${nRows} rows are explained`, {
      argument: 'target',
      hint: 'Pass one class index per explained row, a single index, or "predicted".',
    });
  }
  for (let i = 0; i < nRows; i++) checkColumn(selector[i]!, width, `target[${i}]`);
  return Int32Array.from(selector);
}

function checkColumn(value: number, width: number, argument: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= width) {
    throw new GlassboxError('invalid_argument', `${argument} = ${value} is not an output column of this model (0..${width - 1})`, {
      argument,
      hint: 'Use a class index in range, a class name through the CLI, or "predicted".',
    });
  }
}
