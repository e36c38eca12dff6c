import { GlassboxError } from '../errors.js';
import type { EncodedFeature, Encoder, RawMatrix } from './encoder.js';
import { parseEncoderSpec, stepWidth, type EncoderSpec, type EncoderStep } from './spec.js';

/**
 * An encoder built from a declarative spec (see spec.ts). `encode` runs one tight loop per step over
 * the rows, writing float32 directly; nothing is allocated per row.
 *
 * Numeric steps compute in float64 and round once to float32 on store:
 * standardize `(x - mean) / std` (the reference preprocess.json rule, bit-exact), minmax
 * `(x - min) / (max - min)` (a zero range divides by 1, as scikit-learn's MinMaxScaler), passthrough `x`.
 * Categorical steps read the category code: one-hot sets position `code`, ordinal writes `code`;
 * with `handle_unknown: "ignore"` a NaN code (an unknown category let through) gives zeros / NaN.
 */
export interface DeclarativeEncoder extends Encoder {
  readonly spec: EncoderSpec;
}

export function declarativeEncoder(specOrJson: EncoderSpec | unknown, source = 'encoder spec'): DeclarativeEncoder {
  const spec = parseEncoderSpec(specOrJson, source);
  const features = layoutFeatures(spec.steps);
  const outputWidth = features.reduce((w, f) => Math.max(w, f.offset + f.width), 0);
  const hasOnehot = spec.steps.some((s) => s.kind === 'onehot');
  const steps = spec.steps;
  return Object.freeze({
    spec,
    features,
    outputWidth,
    encode(raw: RawMatrix, out?: Float32Array): Float32Array {
      const target = prepareOutput(raw, out, steps.length, outputWidth);
      if (hasOnehot) target.fill(0);
      for (let j = 0; j < steps.length; j++) encodeStep(steps[j]!, j, features[j]!.offset, raw, target, outputWidth);
      return target;
    },
  });
}

function layoutFeatures(steps: readonly EncoderStep[]): EncodedFeature[] {
  let running = 0;
  return steps.map((step) => {
    const offset = step.offset ?? running;
    const width = stepWidth(step);
    running = offset + width;
    const base = { name: step.column, offset, width };
    return step.kind === 'onehot' || step.kind === 'ordinal'
      ? Object.freeze({ ...base, type: 'categorical' as const, categories: Object.freeze([...step.categories]) })
      : Object.freeze({ ...base, type: 'numeric' as const });
  });
}

/** Checks the raw matrix and the output buffer; returns the n × width view to write. */
export function prepareOutput(raw: RawMatrix, out: Float32Array | undefined, nFeatures: number, width: number): Float32Array {
  if (raw.nFeatures !== nFeatures) {
    throw new GlassboxError('shape_mismatch', `encode: the raw matrix has ${raw.nFeatures} columns but the encoder has ${nFeatures} raw features`, {
      argument: 'raw',
      hint: 'Build the raw matrix with one column per encoder feature, in encoder.features order (see rawMatrixFromTable).',
    });
  }
  if (raw.data.length !== raw.nRows * raw.nFeatures) {
    throw new GlassboxError('shape_mismatch', `encode: raw.data has ${raw.data.length} values but ${raw.nRows} rows × ${raw.nFeatures} features need ${raw.nRows * raw.nFeatures}`, { argument: 'raw' });
  }
  const size = raw.nRows * width;
  if (out === undefined) return new Float32Array(size);
  if (out.length < size) {
    throw new GlassboxError('shape_mismatch', `encode: the output buffer holds ${out.length} values but ${raw.nRows} rows × ${width} columns need ${size}`, { argument: 'out', hint: 'Pass a buffer of at least nRows × encoder.outputWidth floats, or none.' });
  }
  return out.length === size ? out : out.subarray(0, size);
}

/** The error for a missing or non-finite numeric value. */
export function badNumber(column: string, row: number, value: number): GlassboxError {
  return new GlassboxError('invalid_input', `encode: row ${row} of the rows being encoded (a position, not a file row), column "${column}": value ${String(value)} is ${Number.isNaN(value) ? 'missing (NaN)' : 'not finite'}`, {
    column,
    row,
    hint: 'Drop or impute missing values before encoding (schema "missing": "drop" | "impute").',
  });
}

/** The error for a category code outside the feature's category list. */
export function badCode(column: string, row: number, code: number, nCategories: number): GlassboxError {
  const what = Number.isNaN(code) ? 'is missing (NaN)' : `is category code ${String(code)}, not one of 0..${nCategories - 1}`;
  return new GlassboxError('invalid_input', `encode: row ${row} of the rows being encoded (a position, not a file row), column "${column}" ${what}`, {
    column,
    row,
    hint: `The raw matrix must hold codes into the encoder's ${nCategories} categories of "${column}"; map unknown or missing categories before encoding (rawMatrixFromTable does this and names unknown values).`,
  });
}

function encodeStep(step: EncoderStep, j: number, offset: number, raw: RawMatrix, out: Float32Array, width: number): void {
  const { data, nRows, nFeatures } = raw;
  switch (step.kind) {
    case 'standardize':
    case 'minmax':
    case 'passthrough': {
      const [shift, scale] = step.kind === 'standardize' ? [step.mean, step.std] : step.kind === 'minmax' ? [step.min, step.max - step.min || 1] : [0, 1];
      for (let i = 0; i < nRows; i++) {
        const x = data[i * nFeatures + j]!;
        if (!Number.isFinite(x)) throw badNumber(step.column, i, x);
        out[i * width + offset] = (x - shift) / scale;
      }
      return;
    }
    case 'onehot':
    case 'ordinal': {
      const k = step.categories.length;
      const onehot = step.kind === 'onehot';
      const ignore = step.handle_unknown === 'ignore';
      for (let i = 0; i < nRows; i++) {
        const code = data[i * nFeatures + j]!;
        if (ignore && Number.isNaN(code)) {
          // one-hot: the block stays all zeros (the buffer was zero-filled); ordinal: missing
          if (!onehot) out[i * width + offset] = NaN;
          continue;
        }
        if (!(code >= 0 && code < k && Number.isInteger(code))) throw badCode(step.column, i, code, k);
        if (onehot) out[i * width + offset + code] = 1;
        else out[i * width + offset] = code;
      }
      return;
    }
  }
}
