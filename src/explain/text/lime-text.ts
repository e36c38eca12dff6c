import { z } from 'zod';
import { Rng } from '../../rng.js';
import type { ExplainContext, Explainer } from '../explainer.js';
import { r2FromMoments, ridgeFromMoments, weightedMoments } from '../linear/moments.js';
import { selectFeatures } from '../lime/select.js';
import { parseOptions, seedSchema } from '../options.js';
import type { TextClassifier } from './classifier.js';
import { explainTexts, predictTexts } from './common.js';
import { maskText } from './tokens.js';

const schema = z
  .object({
    samples: z.number().int().min(2).default(5000),
    kernelWidth: z.number().positive().default(25),
    numFeatures: z.number().int().min(1).default(10),
    featureSelection: z.enum(['auto', 'forward', 'highest_weights', 'lasso_path', 'none']).default('auto'),
    alpha: z.number().min(0).default(1),
    /** Bag of words (lime's default): a player is a distinct word, removed everywhere at once. */
    bow: z.boolean().default(true),
    batchSize: z.number().int().min(1).default(1000),
    seed: seedSchema,
  })
  .strict();

export type LimeTextOptions = z.input<typeof schema>;

/**
 * LIME for text (Ribeiro et al. 2016) with lime 0.2 `LimeTextExplainer` defaults: players are the
 * distinct words (split on /\W+/), a perturbation removes a uniformly drawn number (1..d) of random
 * words, the distance is the cosine distance of the binary vectors × 100 with kernel
 * √exp(−d²/25²), then feature selection and a weighted Ridge(α=1). Values are per word (padded);
 * `extras.tokens` lists the words, `extras.intercept`/`score` the local model.
 */
export function limeText(options: LimeTextOptions = {}): Explainer<TextClassifier, readonly string[]> {
  const opts = parseOptions('lime-text', schema, options);
  return Object.freeze({
    method: 'lime-text',
    requires: [],
    properties: Object.freeze({ completeness: false, stochastic: true, access: 'model-agnostic', players: 'tokens' }),
    options: Object.freeze({ ...opts }),
    explain: (model: TextClassifier, docs: readonly string[], context: ExplainContext<readonly string[]> = {}) =>
      explainTexts({
        method: 'lime-text',
        model,
        docs,
        context,
        options: opts,
        seed: opts.seed,
        bow: opts.bow,
        estimate: async ({ text, target, signal }) => {
          const d = text.players.length;
          const n = opts.samples;
          const rng = new Rng(opts.seed);
          const data = new Float64Array(n * d).fill(1);
          const texts: string[] = [text.raw];
          const idx = Int32Array.from({ length: d }, (_, i) => i);
          for (let i = 1; i < n; i++) {
            const size = 1 + rng.int(d);
            for (let k = 0; k < size; k++) {
              const j = k + rng.int(d - k);
              const t = idx[k]!;
              idx[k] = idx[j]!;
              idx[j] = t;
              data[i * d + idx[k]!] = 0;
            }
            texts.push(maskText(text, Uint8Array.from(data.subarray(i * d, (i + 1) * d))));
          }
          const y = await predictTexts(model, texts, opts.batchSize, signal);
          const labels = Float64Array.from({ length: n }, (_, i) => y[i * model.outputWidth + target]!);
          const weights = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            let ones = 0;
            for (let j = 0; j < d; j++) ones += data[i * d + j]!;
            const cosine = ones === 0 ? 1 : 1 - ones / Math.sqrt(ones * d);
            const dist = cosine * 100;
            weights[i] = Math.sqrt(Math.exp(-(dist * dist) / (opts.kernelWidth * opts.kernelWidth)));
          }
          const moments = weightedMoments(data, d, labels, weights);
          const selected = selectFeatures(data, d, labels, weights, opts.numFeatures, opts.featureSelection, moments);
          const fit = ridgeFromMoments(moments, selected, opts.alpha);
          const values = new Float64Array(d);
          selected.forEach((j, k) => (values[j] = fit.coef[k]!));
          return { values, base: fit.intercept, extra: { intercept: fit.intercept, score: r2FromMoments(moments, selected, fit) } };
        },
      }),
  });
}
