import { GlassboxError } from '../errors.js';
import type { Differentiable, LossGradientOptions, LossGradients, LossName } from './capabilities.js';
import type { Model, Task } from './model.js';
import type { Tensor } from './tensor.js';

/** Rejects a loss the models cannot compute and labels that are not one valid class per row. */
export function checkLossLabels(task: Task, labels: Int32Array, nRows: number, width: number, source: string, loss: LossName = 'cross-entropy'): void {
  if (loss !== 'cross-entropy') {
    throw new GlassboxError('invalid_argument', `${source}: unknown loss '${String(loss)}'.`, { argument: 'loss', hint: "Use 'cross-entropy'." });
  }
  if (task === 'regression') {
    throw new GlassboxError('invalid_argument', `${source}: the cross-entropy loss needs a classifier; this model is a regression model.`, { argument: 'loss', hint: 'Attack or explain a classification model.' });
  }
  if (labels.length !== nRows) {
    throw new GlassboxError('shape_mismatch', `${source}: ${labels.length} labels for ${nRows} rows.`, { argument: 'labels', hint: 'Give one class index per row.' });
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!(y >= 0 && y < width)) {
      throw new GlassboxError('invalid_argument', `${source}: label ${y} of row ${i} is not a class index in [0, ${width - 1}].`, { argument: 'labels', row: i, hint: 'Labels are output-column (class) indices.' });
    }
  }
}

/**
 * Input gradients of the per-row cross-entropy −log p_y: the model's own `lossGradients` when it has
 * one (one backward pass), else from `inputGradients` of p_y (one backward pass plus one forward):
 * ∂(−log p_y)/∂x = −(∂p_y/∂x) / p_y. The fallback loses precision where p_y underflows float32 (its
 * gradient then reads 0), which the direct loss head does not.
 */
export async function lossGradients(model: Model & Differentiable, x: Tensor, labels: Int32Array, options: LossGradientOptions = {}): Promise<LossGradients> {
  if (typeof model.lossGradients === 'function') return model.lossGradients(x, labels, options);
  const n = x.shape[0] ?? 0;
  const width = model.outputWidth;
  checkLossLabels(model.task, labels, n, width, 'model', options.loss);
  const signal = options.signal ? { signal: options.signal } : {};
  const probabilities = await model.predict(x, signal);
  const gradient = await model.inputGradients(x, labels, { output: 'probabilities', ...signal });
  const loss = new Float32Array(n);
  const rowSize = x.data.length / Math.max(1, n);
  for (let i = 0; i < n; i++) {
    const p = probabilities[i * width + labels[i]!]!;
    loss[i] = -Math.log(p);
    const scale = p > 0 ? -1 / p : 0;
    for (let j = i * rowSize; j < (i + 1) * rowSize; j++) gradient[j] = gradient[j]! * scale;
  }
  return { gradient, loss, probabilities };
}
