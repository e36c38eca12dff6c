import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import { yieldToEventLoop, type PassOptions } from '../predictive/run-options.js';
import type { ProbabilitySamples } from '../predictive/summaries.js';

/**
 * Checks that the members of a deep ensemble can be averaged: classification models with the same
 * classes in the same order and the same input shape. `names` label the members in messages.
 */
export function checkEnsemble(models: readonly Model[], names: readonly string[] = models.map((_, i) => `model ${i + 1}`)): void {
  if (models.length < 2) {
    throw new GlassboxError('invalid_argument', `A deep ensemble needs at least two models (got ${models.length})`, { argument: '--model', hint: 'Pass the members as --model a.onnx,b.onnx,… (same classes and input).' });
  }
  const first = models[0]!;
  if (first.task === 'regression') {
    throw new GlassboxError('unsupported_model', `${names[0]}: predictive uncertainty here needs class probabilities; the model is a regression model`, { argument: '--model' });
  }
  models.forEach((m, i) => {
    const name = names[i]!;
    if (m.task === 'regression' || m.classes.length !== first.classes.length || m.classes.some((c, k) => c !== first.classes[k])) {
      throw new GlassboxError('shape_mismatch', `${name} has classes [${m.classes.join(', ')}], but ${names[0]} has [${first.classes.join(', ')}]; ensemble members must predict the same classes in the same order`, { argument: '--model', hint: 'Export every member with the same classes in the same order.' });
    }
    const a = m.inputSpec.shape.slice(1).join('×');
    const b = first.inputSpec.shape.slice(1).join('×');
    if (a !== b) {
      throw new GlassboxError('shape_mismatch', `${name} takes inputs of shape [${a}], but ${names[0]} takes [${b}]; ensemble members must take the same input`, { argument: '--model' });
    }
  });
}

/**
 * The members' probabilities stacked as samples [M, n, K] of a deep ensemble (Lakshminarayanan et al.
 * 2017): each member is one draw of the predictive distribution, weighted equally. Any loadable
 * models with the same classes and input qualify (see checkEnsemble).
 */
export async function ensembleSamples(models: readonly Model[], x: Tensor, options: PassOptions & { names?: readonly string[] } = {}): Promise<ProbabilitySamples> {
  checkEnsemble(models, options.names);
  const n = x.shape[0]!;
  const K = models[0]!.outputWidth;
  const data = new Float32Array(models.length * n * K);
  for (let m = 0; m < models.length; m++) {
    await yieldToEventLoop();
    throwIfAborted(options.signal);
    data.set(await models[m]!.predict(x, options.signal ? { signal: options.signal } : {}), m * n * K);
    options.onProgress?.(m + 1, models.length);
  }
  return { data, samples: models.length, rows: n, classes: K };
}
