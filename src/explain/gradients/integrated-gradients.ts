import { z } from 'zod';
import type { Tensor } from '../../model/tensor.js';
import type { ExplainContext, Explainer } from '../explainer.js';
import { parseOptions, seedSchema } from '../options.js';
import { makeBaselines, type BaselineSpec } from './baselines.js';
import { buildAttribution, gradientProperties, modelOutputs, outputSchema, prepare, type GradientModel, finishWork } from './common.js';
import { quadrature } from './integration-rules.js';
import { accumulateGradients, type PathPoint } from './path-integral.js';

export const baselineSchema = z.union([
  z.enum(['zeros', 'blur', 'uniform', 'mean']),
  z.number(),
  z.object({ kind: z.literal('blur'), sigma: z.number().positive() }).strict(),
  z.object({ kind: z.literal('uniform'), low: z.number().optional(), high: z.number().optional() }).strict(),
  z.object({ kind: z.literal('tensor'), values: z.instanceof(Float32Array) }).strict(),
]);

const schema = z
  .object({
    steps: z.number().int().min(1).max(100_000).default(50),
    method: z.enum(['riemann_left', 'riemann_right', 'riemann_middle', 'riemann_trapezoid', 'gausslegendre']).default('gausslegendre'),
    baseline: baselineSchema.default('zeros'),
    /** Path points per model call (captum's internal_batch_size); bounds memory. */
    internalBatchSize: z.number().int().min(1).default(64),
    output: outputSchema,
    seed: seedSchema,
  })
  .strict();

export type IntegratedGradientsOptions = z.input<typeof schema>;

/**
 * Integrated Gradients (Sundararajan, Taly & Yan 2017, "Axiomatic Attribution for Deep Networks"):
 * (x − x′) · Σ_k w_k ∇f(x′ + α_k (x − x′)), with captum 0.7's quadrature rules and defaults
 * (Gauss–Legendre, 50 steps) — see integration-rules.ts for the trapezoid caution. Returns the
 * completeness residual per row: delta = Σ attr − (f(x) − f(x′)), as captum's convergence delta.
 */
export function integratedGradients(options: IntegratedGradientsOptions = {}): Explainer<GradientModel, Tensor> {
  const opts = parseOptions('integrated-gradients', schema, options);
  const requires = ['differentiable'] as const;
  return Object.freeze({
    method: 'integrated-gradients',
    requires,
    properties: gradientProperties(true, opts.baseline === 'uniform' || (typeof opts.baseline === 'object' && opts.baseline.kind === 'uniform')),
    options: Object.freeze({ ...opts }),
    async explain(model: GradientModel, x: Tensor, context: ExplainContext<Tensor> = {}) {
      const prepared = await prepare('integrated-gradients', requires, model, x, context, opts.output);
      const { nRows, rowSize } = prepared;
      const baselines = makeBaselines(opts.baseline as BaselineSpec, x, { ...(context.background ? { background: context.background } : {}), seed: opts.seed });
      const q = quadrature(opts.method, opts.steps);
      function* points(): Generator<PathPoint> {
        for (let r = 0; r < nRows; r++) {
          const from = baselines.subarray(r * rowSize, (r + 1) * rowSize);
          const to = x.data.subarray(r * rowSize, (r + 1) * rowSize);
          for (let k = 0; k < opts.steps; k++) yield { row: r, from, to, alpha: q.alphas[k]!, weight: q.weights[k]! };
        }
      }
      const run = { model, shape: x.shape, nRows, rowSize, target: prepared.target, output: opts.output, internalBatchSize: opts.internalBatchSize, ...(context.signal ? { signal: context.signal } : {}), ...(context.onProgress ? { onProgress: context.onProgress } : {}) };
      const acc = await accumulateGradients(run, points(), nRows * opts.steps);
      const values = new Float64Array(acc.length);
      for (let i = 0; i < acc.length; i++) values[i] = acc[i]! * (Math.fround(x.data[i]! - baselines[i]!));
      const baseOut = await modelOutputs(model, { data: baselines, shape: x.shape }, opts.output, context.signal);
      const baseValues = new Float64Array(nRows);
      const delta = new Float64Array(nRows);
      for (let r = 0; r < nRows; r++) {
        baseValues[r] = baseOut[r * model.outputWidth + prepared.target[r]!]!;
        let sum = 0;
        for (let j = 0; j < rowSize; j++) sum += values[r * rowSize + j]!;
        delta[r] = sum - (prepared.explained[r]! - baseValues[r]!);
      }
      finishWork(context, prepared.nRows);
      return buildAttribution({ method: 'integrated-gradients', values, shape: x.shape, prepared, options: { ...opts, baseline: describeBaseline(opts.baseline) }, baseValues, delta, seed: opts.seed });
    },
  });
}

function describeBaseline(b: unknown): unknown {
  return typeof b === 'object' && b !== null && 'values' in b ? { kind: 'tensor' } : b;
}
