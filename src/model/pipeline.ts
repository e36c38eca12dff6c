import type { Encoder, RawMatrix } from '../encode/encoder.js';
import { GlassboxError } from '../errors.js';
import type { Model, PredictOptions } from './model.js';

/**
 * A model together with the encoder that feeds it: the thing tabular analyses explain and audit.
 * `predictRaw` takes ordinal-coded raw rows (see encode/encoder.ts) and returns the model's outputs.
 */
export interface Pipeline {
  readonly model: Model;
  readonly encoder: Encoder;
  predictRaw(raw: RawMatrix, options?: PredictOptions): Promise<Float32Array>;
}

export function pipeline(model: Model, encoder: Encoder): Pipeline {
  const expected = model.inputSpec.shape[model.inputSpec.shape.length - 1];
  if (typeof expected === 'number' && expected !== encoder.outputWidth) {
    throw new GlassboxError('shape_mismatch', `The encoder produces ${encoder.outputWidth} columns but the model takes ${expected}.`, {
      hint: 'Use the preprocessing the model was trained with.',
    });
  }
  return Object.freeze({
    model,
    encoder,
    predictRaw(raw: RawMatrix, options?: PredictOptions): Promise<Float32Array> {
      const encoded = encoder.encode(raw);
      return model.predict({ data: encoded, shape: [raw.nRows, encoder.outputWidth] }, options);
    },
  });
}
