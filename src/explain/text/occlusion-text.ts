import { z } from 'zod';
import type { ExplainContext, Explainer } from '../explainer.js';
import { parseOptions } from '../options.js';
import type { TextClassifier } from './classifier.js';
import { explainTexts, predictTexts } from './common.js';
import { maskText } from './tokens.js';

const schema = z
  .object({
    /** Consecutive words hidden together, and the step between windows. */
    window: z.number().int().min(1).default(1),
    stride: z.number().int().min(1).default(1),
    /** What replaces a hidden word ('' removes it; e.g. '[MASK]' or 'UNK' for models with such a token). */
    baseline: z.string().default(''),
    batchSize: z.number().int().min(1).default(256),
  })
  .strict();

export type TextOcclusionOptions = z.input<typeof schema>;

/**
 * Occlusion for text (feature ablation over word positions; captum `Occlusion` on a token axis): each
 * window of `window` consecutive words is replaced by `baseline`; a word's value is the mean over the
 * windows covering it of f(x) − f(x with the window hidden). Players are word positions.
 */
export function textOcclusion(options: TextOcclusionOptions = {}): Explainer<TextClassifier, readonly string[]> {
  const opts = parseOptions('text-occlusion', schema, options);
  return Object.freeze({
    method: 'text-occlusion',
    requires: [],
    properties: Object.freeze({ completeness: false, stochastic: false, access: 'model-agnostic', players: 'tokens' }),
    options: Object.freeze({ ...opts }),
    explain: (model: TextClassifier, docs: readonly string[], context: ExplainContext<readonly string[]> = {}) =>
      explainTexts({
        method: 'text-occlusion',
        model,
        docs,
        context,
        options: opts,
        bow: false,
        estimate: async ({ text, target, fx, signal }) => {
          const d = text.players.length;
          const starts: number[] = [];
          for (let s = 0; s + opts.window <= Math.max(d, opts.window); s += opts.stride) starts.push(s);
          const texts = starts.map((s) => {
            const mask = new Uint8Array(d).fill(1);
            for (let j = s; j < Math.min(d, s + opts.window); j++) mask[j] = 0;
            return maskText(text, mask, opts.baseline);
          });
          const y = await predictTexts(model, texts, opts.batchSize, signal);
          const sum = new Float64Array(d);
          const count = new Float64Array(d);
          starts.forEach((s, k) => {
            const diff = fx[target]! - y[k * model.outputWidth + target]!;
            for (let j = s; j < Math.min(d, s + opts.window); j++) {
              sum[j]! += diff;
              count[j]! += 1;
            }
          });
          const values = sum.map((v, j) => (count[j]! > 0 ? v / count[j]! : 0));
          const empty = await predictTexts(model, [maskText(text, new Uint8Array(d), opts.baseline)], 1, signal);
          return { values, base: empty[target]! };
        },
      }),
  });
}
