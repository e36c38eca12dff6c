import { GlassboxError } from '../../../errors.js';
import { npyToFloat64, readNpy } from '../../../data/npy.js';

/** A matrix read from .npy: n rows of `width` values, row-major. */
export interface NpyMatrix {
  readonly values: Float64Array;
  readonly n: number;
  readonly width: number;
}

/** Reads a 1-D or 2-D .npy file as float64 rows, naming the flag on error. */
export function readMatrix(file: string, flag: string): NpyMatrix {
  if (!file.endsWith('.npy')) throw new GlassboxError('invalid_argument', `${flag} "${file}" is not a .npy file.`, { argument: flag, hint: 'Save the array with numpy.save(path, array).' });
  const array = readNpy(file);
  if (array.shape.length < 1 || array.shape.length > 2) {
    throw new GlassboxError('shape_mismatch', `${flag} ${file} has shape [${array.shape.join(', ')}]; expected n or n × K.`, { argument: flag, file });
  }
  return { values: npyToFloat64(array), n: array.shape[0]!, width: array.shape[1] ?? 1 };
}

/**
 * Class probabilities from a matrix: n × K as they are; a single column is P(class 1) of a binary
 * model and becomes [1 − p, p].
 */
export function asProbabilities(m: NpyMatrix): { probs: Float64Array; k: number } {
  if (m.width >= 2) return { probs: m.values, k: m.width };
  const probs = new Float64Array(m.n * 2);
  for (let i = 0; i < m.n; i++) {
    probs[2 * i] = 1 - m.values[i]!;
    probs[2 * i + 1] = m.values[i]!;
  }
  return { probs, k: 2 };
}

/** Reads a labels file: one value per row, n of them. */
export function readLabels(file: string, flag: string, n: number): Float64Array {
  const m = readMatrix(file, flag);
  if (m.width !== 1 || m.n !== n) {
    throw new GlassboxError('shape_mismatch', `${flag} ${file} holds ${m.n}${m.width > 1 ? ` × ${m.width}` : ''} values but the predictions have ${n} rows.`, { argument: flag, file, hint: 'One label per prediction row, in the same order (shape [n]).' });
  }
  return m.values;
}
