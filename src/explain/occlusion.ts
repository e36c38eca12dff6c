import { z } from 'zod';
import type { RawMatrix } from '../encode/encoder.js';
import type { Pipeline } from '../model/pipeline.js';
import type { ExplainContext, Explainer } from './explainer.js';
import { parseOptions } from './options.js';
import { explainTabularRows } from './tabular-input.js';

const schema = z
  .object({
    /**
     * What replaces an occluded feature: 'background' (default) averages over the background rows'
     * values of that feature; an array gives one raw (ordinal-coded) baseline value per feature.
     */
    baseline: z.union([z.literal('background'), z.array(z.number())]).default('background'),
  })
  .strict();

export type OcclusionOptions = z.input<typeof schema>;

/**
 * Occlusion / feature ablation for tabular rows (Zeiler & Fergus 2014; captum `FeatureAblation` with
 * one raw feature per group): φ_j = f(x) − f(x with feature j replaced by the baseline), where the
 * replacement is each background row's value (averaged) or a fixed raw baseline. A one-hot block is
 * one raw feature, so it is ablated as a whole. Not complete: Σφ ≠ f(x) − base in general.
 */
export function occlusion(options: OcclusionOptions = {}): Explainer<Pipeline, RawMatrix> {
  const opts = parseOptions('occlusion', schema, options);
  return Object.freeze({
    method: 'occlusion',
    requires: [],
    properties: Object.freeze({ completeness: false, stochastic: false, access: 'model-agnostic', players: 'features' }),
    options: Object.freeze({ ...opts }),
    explain: (pipeline: Pipeline, x: RawMatrix, context: ExplainContext<RawMatrix> = {}) => {
      const baseline = opts.baseline;
      const background: RawMatrix | undefined = Array.isArray(baseline) ? { data: Float64Array.from(baseline), nRows: 1, nFeatures: baseline.length } : context.background;
      return explainTabularRows({
        method: 'occlusion',
        pipeline,
        x,
        context: { ...context, ...(background ? { background } : {}) },
        options: opts,
        withStderr: false,
        estimate: async ({ x: row, players, target, fx, masker, signal }) => {
          const m = players.length;
          // mask row k: every player present except player k (the ablated one); last row: none present.
          const masks = new Uint8Array((m + 1) * m).fill(1);
          for (let k = 0; k < m; k++) masks[k * m + k] = 0;
          masks.fill(0, m * m);
          const out = await masker.evaluate(row, players, masks, m + 1, signal);
          const values = new Float64Array(m);
          for (let k = 0; k < m; k++) values[k] = fx[target]! - out[k * masker.outputWidth + target]!;
          return { values, base: out[m * masker.outputWidth + target]! };
        },
      });
    },
  });
}
