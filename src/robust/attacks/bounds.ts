import { GlassboxError } from '../../errors.js';

/**
 * Where an attack may move each model-input element of a row: a valid range [lower, upper] per
 * element (arrays of the row's size) and elements that stay frozen (one-hot columns of categorical
 * features, unless asked otherwise). Images use one range for every pixel ([0, 1] by default).
 */
export interface InputBounds {
  readonly lower: Float32Array;
  readonly upper: Float32Array;
  /** 1 where the element must not change. */
  readonly frozen: Uint8Array;
}

/** The same [min, max] for every element of a row of `rowSize` values; nothing frozen. */
export function uniformBounds(rowSize: number, min = 0, max = 1): InputBounds {
  if (!(Number.isFinite(min) && Number.isFinite(max) && min < max)) {
    throw new GlassboxError('invalid_argument', `clip range [${min}, ${max}] is not an interval.`, { argument: 'clip', hint: 'Give min < max, e.g. --clip 0,1.' });
  }
  return { lower: new Float32Array(rowSize).fill(min), upper: new Float32Array(rowSize).fill(max), frozen: new Uint8Array(rowSize) };
}

/** A column of a tabular model input, as the encoder lays it out. */
export interface InputColumnKind {
  readonly offset: number;
  readonly width: number;
  readonly type: 'numeric' | 'categorical';
}

/**
 * Bounds for a tabular model input: each numeric column may range over [min, max] of its values in
 * `reference` (the training rows, in model-input space), categorical one-hot columns are frozen
 * unless `perturbCategorical` (then each one-hot entry may range over [0, 1], which leaves the one-hot
 * simplex — the model is then probed off its data manifold).
 */
export function tabularBounds(columns: readonly InputColumnKind[], reference: Float32Array, rowSize: number, options: { perturbCategorical?: boolean } = {}): InputBounds {
  const n = reference.length / rowSize;
  if (!(n >= 1) || !Number.isInteger(n)) {
    throw new GlassboxError('invalid_input', 'tabular attack bounds need at least one reference row of the model input width.', { argument: 'reference', hint: 'Pass the encoded training rows.' });
  }
  const lower = new Float32Array(rowSize).fill(Infinity);
  const upper = new Float32Array(rowSize).fill(-Infinity);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < rowSize; j++) {
      const v = reference[r * rowSize + j]!;
      if (v < lower[j]!) lower[j] = v;
      if (v > upper[j]!) upper[j] = v;
    }
  }
  const frozen = new Uint8Array(rowSize);
  for (const c of columns) {
    if (c.type !== 'categorical') continue;
    for (let j = c.offset; j < c.offset + c.width; j++) {
      if (options.perturbCategorical) {
        lower[j] = 0;
        upper[j] = 1;
      } else frozen[j] = 1;
    }
  }
  return { lower, upper, frozen };
}

/** Checks bounds against a row size and the inputs (which must lie inside them). */
export function checkBounds(bounds: InputBounds, x: Float32Array, rowSize: number): void {
  if (bounds.lower.length !== rowSize || bounds.upper.length !== rowSize || bounds.frozen.length !== rowSize) {
    throw new GlassboxError('shape_mismatch', `attack bounds cover ${bounds.lower.length} values per row but the input has ${rowSize}.`, { argument: 'bounds', hint: 'Build the bounds for the model input width.' });
  }
  for (let k = 0; k < x.length; k++) {
    const v = x[k]!;
    const j = k % rowSize;
    if (Number.isNaN(v)) {
      throw new GlassboxError('invalid_input', `input row ${Math.floor(k / rowSize)} holds NaN at element ${j}.`, { row: Math.floor(k / rowSize), hint: 'Impute or drop rows with missing values before attacking them.' });
    }
    if (!bounds.frozen[j] && (v < bounds.lower[j]! - 1e-6 || v > bounds.upper[j]! + 1e-6)) {
      throw new GlassboxError('invalid_input', `input row ${Math.floor(k / rowSize)}, element ${j} = ${v} lies outside the valid range [${bounds.lower[j]}, ${bounds.upper[j]}].`, {
        row: Math.floor(k / rowSize),
        argument: 'clip',
        hint: 'Images must be scaled to the clip range (default [0, 1]); give --clip min,max for another range.',
      });
    }
  }
}
