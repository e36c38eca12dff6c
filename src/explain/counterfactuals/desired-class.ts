import { GlassboxError } from '../../errors.js';
import type { Model } from '../../model/model.js';

/** Index of the largest output in row i. */
export function argmaxRow(outputs: ArrayLike<number>, i: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (outputs[i * width + k]! > outputs[i * width + best]!) best = k;
  return best;
}

/**
 * The class a counterfactual must reach: the one asked for, else (binary) the other class, else (-1)
 * any class but the query's. Regression models are refused: a counterfactual needs a class to flip.
 */
export function desiredClass(model: Pick<Model, 'task' | 'classes' | 'outputWidth'>, queryClass: number, target: number | undefined): number {
  if (model.task === 'regression') throw new GlassboxError('unsupported_model', 'counterfactuals: the model is a regression model; a counterfactual flips a predicted class.', { argument: 'model', hint: 'Use a classifier.' });
  if (target !== undefined) {
    if (!Number.isInteger(target) || target < 0 || target >= model.outputWidth) throw new GlassboxError('invalid_argument', `counterfactuals: target ${target} is not a class index (0..${model.outputWidth - 1}: ${model.classes.join(', ')}).`, { argument: 'target' });
    if (target === queryClass) throw new GlassboxError('invalid_argument', `counterfactuals: the row is already predicted "${model.classes[target]}"; ask for another class.`, { argument: 'target' });
    return target;
  }
  return model.outputWidth === 2 ? 1 - queryClass : -1;
}

/** Whether row i reaches the desired class (-1: any class but `queryClass`). */
export function reaches(outputs: ArrayLike<number>, i: number, width: number, desired: number, queryClass: number): boolean {
  const k = argmaxRow(outputs, i, width);
  return desired < 0 ? k !== queryClass : k === desired;
}

/** DiCE's hinge loss on the outputs: how far row i is from being predicted the desired class (0 once it is). */
export function classLoss(outputs: ArrayLike<number>, i: number, width: number, desired: number, queryClass: number): number {
  if (desired < 0) {
    let other = -Infinity;
    for (let k = 0; k < width; k++) if (k !== queryClass) other = Math.max(other, outputs[i * width + k]!);
    return Math.max(0, outputs[i * width + queryClass]! - other);
  }
  let rival = -Infinity;
  for (let k = 0; k < width; k++) if (k !== desired) rival = Math.max(rival, outputs[i * width + k]!);
  return Math.max(0, rival - outputs[i * width + desired]!);
}
