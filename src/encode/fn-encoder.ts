import { GlassboxError } from '../errors.js';
import { prepareOutput } from './declarative.js';
import type { EncodedFeature, Encoder, RawMatrix } from './encoder.js';

/** A raw feature of a function encoder, with the number of model-input columns it becomes. */
export interface FunctionEncoderFeature {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
  readonly categories?: readonly string[];
  readonly width: number;
}

export interface FunctionEncoderOptions {
  /** Raw features in raw-matrix column order; each feature's block follows the previous one. */
  readonly features: readonly FunctionEncoderFeature[];
  /**
   * Writes the encoding of all `raw` rows into `out` (n × outputWidth, zero-filled, row-major).
   * Feature k must write only its own block [offset, offset + width) so that attributions can be
   * reported per raw feature.
   */
  readonly encode: (raw: RawMatrix, out: Float32Array) => void;
}

/**
 * An encoder backed by a user function (for encodings no declarative step expresses). The output is
 * checked for non-finite values after the call; the first one found is reported with its row and
 * the raw feature its column belongs to.
 */
export function functionEncoder(options: FunctionEncoderOptions): Encoder {
  if (typeof options.encode !== 'function') {
    throw new GlassboxError('invalid_argument', 'functionEncoder: "encode" must be a function (raw, out) => void', { argument: 'encode' });
  }
  let offset = 0;
  const features: EncodedFeature[] = options.features.map((f, i) => {
    if (!(Number.isInteger(f.width) && f.width > 0)) {
      throw new GlassboxError('invalid_argument', `functionEncoder: features[${i}] ("${f.name}") has width ${f.width}; widths are positive integers`, { argument: `features[${i}].width` });
    }
    const feature: EncodedFeature = Object.freeze({ name: f.name, type: f.type, offset, width: f.width, ...(f.categories ? { categories: Object.freeze([...f.categories]) } : {}) });
    offset += f.width;
    return feature;
  });
  if (features.length === 0) throw new GlassboxError('invalid_argument', 'functionEncoder: no features given', { argument: 'features' });
  const outputWidth = offset;
  const owner = new Int32Array(outputWidth);
  features.forEach((f, index) => owner.fill(index, f.offset, f.offset + f.width));
  return Object.freeze({
    features: Object.freeze(features),
    outputWidth,
    encode(raw: RawMatrix, out?: Float32Array): Float32Array {
      const target = prepareOutput(raw, out, features.length, outputWidth);
      target.fill(0);
      options.encode(raw, target);
      for (let k = 0; k < target.length; k++) {
        if (!Number.isFinite(target[k]!)) {
          const row = Math.floor(k / outputWidth);
          const name = features[owner[k % outputWidth]!]!.name;
          throw new GlassboxError('invalid_input', `functionEncoder: the encode function wrote ${target[k]} at row ${row}, input column ${k % outputWidth} (feature "${name}")`, {
            row,
            column: name,
            hint: 'Handle missing values before encoding, or make the function write finite numbers only.',
          });
        }
      }
      return target;
    },
  });
}
