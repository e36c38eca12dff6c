import type { BagOfWordsEncoder } from '../encode/bag-of-words.js';
import type { Model, PredictOptions } from './model.js';

/** A model behind a bag-of-words text encoder: scores raw strings or token lists. */
export interface TextPipeline {
  readonly model: Model;
  readonly textEncoder: BagOfWordsEncoder;
  /** Class probabilities for raw strings. */
  predictTexts(texts: readonly string[], options?: PredictOptions): Promise<Float32Array>;
  /** Class probabilities for already tokenized texts (e.g. with tokens removed, for LIME or occlusion). */
  predictTokens(tokenLists: readonly (readonly string[])[], options?: PredictOptions): Promise<Float32Array>;
}

/** Wraps a model and a text encoder so that raw strings or token lists can be scored. */
export function textPipeline(model: Model, textEncoder: BagOfWordsEncoder): TextPipeline {
  const predictTokens = (tokenLists: readonly (readonly string[])[], options?: PredictOptions): Promise<Float32Array> =>
    model.predict({ data: textEncoder.encodeTokens(tokenLists), shape: [tokenLists.length, textEncoder.outputWidth] }, options);
  return {
    model,
    textEncoder,
    predictTokens,
    predictTexts: (texts, options) => predictTokens(texts.map((t) => textEncoder.tokenize(t)), options),
  };
}
