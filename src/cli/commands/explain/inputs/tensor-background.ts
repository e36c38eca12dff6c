import { GlassboxError } from '../../../../errors.js';
import type { Tensor } from '../../../../model/tensor.js';
import { positiveFlag } from '../../../options.js';

/** Background inputs given as a count: `--background n` (default 100) takes the first n rows of `source`. */
export function isBackgroundCount(flag: string | undefined): boolean {
  return flag === undefined || /^\d+$/.test(flag.trim());
}

/** The first n rows of a tensor (n from --background, default 100, capped at the rows there are). */
export function firstRows(source: Tensor, flag: string | undefined, sourceName: string): Tensor {
  const available = source.shape[0] ?? 0;
  const n = Math.min(positiveFlag('--background', flag, 100), available);
  if (n === 0) throw new GlassboxError('invalid_input', `${sourceName} has no rows to draw background inputs from.`, { argument: '--background', hint: 'Pass --background FILE with inputs of the model’s shape.' });
  const size = source.data.length / available;
  return { data: source.data.slice(0, n * size), shape: [n, ...source.shape.slice(1)] };
}

/** Background inputs must share the explained inputs' row shape. */
export function checkBackgroundShape(background: Tensor, x: Tensor, file: string): Tensor {
  const rowShape = x.shape.slice(1).join('×');
  if (background.shape.slice(1).join('×') !== rowShape) {
    throw new GlassboxError('shape_mismatch', `${file}: background rows have shape ${background.shape.slice(1).join('×')}, the explained inputs ${rowShape}.`, { file, argument: '--background', hint: 'Pass inputs of the same shape as --data, or --background n to use the first n rows of the data.' });
  }
  return background;
}
