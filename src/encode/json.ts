import { readFile } from 'node:fs/promises';
import { GlassboxError } from '../errors.js';
import { declarativeEncoder, type DeclarativeEncoder } from './declarative.js';
import type { Encoder } from './encoder.js';
import { ENCODER_FORMAT, stepWidth, type EncoderSpec } from './spec.js';

/**
 * Builds an encoder from its JSON spec (an object already parsed from JSON). Validated with zod;
 * bad specs throw a GlassboxError naming the step and field.
 */
export function encoderFromJson(json: unknown, source = 'encoder spec'): DeclarativeEncoder {
  return declarativeEncoder(json, source);
}

/**
 * Reads the reference `preprocess.json` format (german-credit) as is: `steps` of `onehot` and
 * `standardize` with offsets, `column_order`, `input_dim`. The vectors it produces equal the
 * reference `mlp_inputs_outputs.json` inputs bit for bit. Same format as `encoderFromJson`.
 */
export function encoderFromPreprocessJson(json: unknown, source = 'preprocess.json'): DeclarativeEncoder {
  return declarativeEncoder(json, source);
}

/** Reads and parses an encoder spec / preprocess.json file. */
export async function loadEncoderFile(path: string): Promise<DeclarativeEncoder> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new GlassboxError('io_error', `Cannot read the encoder file ${path}: ${(cause as Error).message}`, { file: path, hint: 'Check the --preprocess path.' }, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new GlassboxError('invalid_input', `The encoder file ${path} is not valid JSON: ${(cause as Error).message}`, { file: path, hint: 'An encoder file is a JSON object with a "steps" array (see docs/encoders.md).' }, { cause });
  }
  return declarativeEncoder(json, path);
}

/**
 * The JSON spec of a declarative encoder (for saving a fitted encoder). `encoderFromJson` of the
 * result rebuilds an encoder that produces identical vectors: numbers are written exactly.
 */
export function encoderToJson(encoder: Encoder): EncoderSpec {
  const spec = (encoder as Partial<DeclarativeEncoder>).spec;
  if (spec === undefined) {
    throw new GlassboxError('invalid_argument', 'encoderToJson: this encoder is not declarative (a user function encoder has no JSON form)', {
      argument: 'encoder',
      hint: 'Only encoders from encoderFromJson, encoderFromPreprocessJson or fitEncoder can be saved as JSON.',
    });
  }
  let running = 0;
  const steps = spec.steps.map((step) => {
    const offset = step.offset ?? running;
    const width = stepWidth(step);
    running = offset + width;
    return { ...step, offset, width };
  });
  return {
    format: ENCODER_FORMAT,
    input_dim: encoder.outputWidth,
    column_order: steps.map((s) => s.column),
    steps,
  };
}
