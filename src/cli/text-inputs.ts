import { readFile } from 'node:fs/promises';
import type { Schema } from '../data/schema.js';
import { findColumn, type Table } from '../data/table.js';
import { BagOfWordsEncoder } from '../encode/bag-of-words.js';
import { GlassboxError } from '../errors.js';
import type { Model } from '../model/model.js';
import type { Tensor } from '../model/tensor.js';
import { textPipeline } from '../model/text-pipeline.js';
import type { ScanText } from '../scan/detector.js';

/** The text column the model reads: the schema's one `text` feature. */
function textColumn(schema: Schema, data: string): string {
  const texts = schema.features.filter((f) => f.type === 'text').map((f) => f.name);
  if (texts.length !== 1) {
    throw new GlassboxError('schema_mismatch', `${data}: a text model reads one text column, but the schema has ${texts.length}${texts.length ? ` (${texts.join(', ')})` : ''}.`, {
      file: data,
      hint: 'Give a schema whose features include exactly one {"name": …, "type": "text"} column (columns of long, mostly distinct strings are inferred as text).',
    });
  }
  return texts[0]!;
}

function textsOf(table: Table, column: string): string[] {
  const c = findColumn(table, column);
  if (c?.kind !== 'text') throw new GlassboxError('schema_mismatch', `Column '${column}' was not read as text.`, { argument: column, hint: 'Mark it "type": "text" in the schema.' });
  return Array.from(c.values, (v) => v ?? '');
}

/**
 * Inputs for a text model given as files: `--model` (e.g. a TF.js bag-of-words MLP) and
 * `--text-encoder text-encoder.json` (format glassbox-text-encoder/1: vocabulary and weighting). The
 * model's input is the encoded text column; the scan and explain read the raw strings through the
 * pipeline (LIME text, occlusion, highlighted words).
 */
export async function textInputs(args: { encoderFile: string; data: string; schema: Schema; model: Model; audited: Table; train?: Table }): Promise<{ x: Tensor; trainX?: Tensor; text: ScanText }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(args.encoderFile, 'utf8'));
  } catch (cause) {
    throw new GlassboxError('invalid_input', `Cannot read the text encoder ${args.encoderFile}: ${(cause as Error).message}`, { file: args.encoderFile, hint: 'Pass the text-encoder.json saved with the model.' }, { cause });
  }
  const encoder = BagOfWordsEncoder.fromJSON(json, args.encoderFile);
  const width = args.model.inputSpec.shape[args.model.inputSpec.shape.length - 1];
  if (typeof width === 'number' && width !== encoder.outputWidth) {
    throw new GlassboxError('shape_mismatch', `${args.encoderFile} has ${encoder.outputWidth} vocabulary columns but the model takes ${width} inputs.`, { file: args.encoderFile, hint: 'Pass the text encoder the model was trained with.' });
  }
  const column = textColumn(args.schema, args.data);
  const pipeline = textPipeline(args.model, encoder);
  const encode = (table: Table): Tensor => ({ data: encoder.encode(textsOf(table, column)), shape: [table.nRows, encoder.outputWidth] });
  const { task, classes, outputWidth } = args.model;
  return {
    x: encode(args.audited),
    ...(args.train ? { trainX: encode(args.train) } : {}),
    text: { column, classifier: { task, classes, outputWidth, predictTexts: (texts, options) => pipeline.predictTexts(texts, options) } },
  };
}
