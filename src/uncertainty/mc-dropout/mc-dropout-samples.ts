import { GlassboxError, throwIfAborted } from '../../errors.js';
import { isStochastic } from '../../model/capabilities.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import { Rng } from '../../rng.js';
import { yieldToEventLoop, type PassOptions } from '../predictive/run-options.js';
import type { ProbabilitySamples } from '../predictive/summaries.js';

/** Default number of MC-dropout passes (`--passes`). */
export const DEFAULT_PASSES = 30;

/** Why a model cannot be sampled with MC dropout, or undefined when it can. */
export function mcDropoutUnavailable(model: Model): string | undefined {
  if (model.task === 'regression') return 'the model is a regression model; MC dropout summaries here need class probabilities';
  if (isStochastic(model)) return undefined;
  const note = (model as { mcDropoutNote?: string }).mcDropoutNote;
  return note ?? 'the model has no dropout to sample (MC dropout needs an ONNX graph with Dropout nodes or a TF.js model with Dropout layers)';
}

/**
 * MC dropout (Gal & Ghahramani 2016): `passes` forward passes with dropout active, each a draw of the
 * predictive distribution, as samples [S, n, K]. Pass t uses the t-th 32-bit draw of `Rng(seed)` as its
 * own seed for the model's `Stochastic.sample`, so passes can be reported and cancelled one by one and
 * the same seed gives the same bytes.
 */
export async function mcDropoutSamples(model: Model, x: Tensor, options: PassOptions & { passes?: number; seed?: number } = {}): Promise<ProbabilitySamples> {
  const passes = options.passes ?? DEFAULT_PASSES;
  if (!Number.isInteger(passes) || passes < 1) {
    throw new GlassboxError('invalid_argument', `--passes must be a positive integer (got ${passes})`, { argument: '--passes', hint: `The default is ${DEFAULT_PASSES}.` });
  }
  const reason = mcDropoutUnavailable(model);
  if (reason !== undefined || !isStochastic(model)) {
    throw new GlassboxError('missing_capability', `MC dropout is not available: ${reason ?? ''}`, { argument: '--method', hint: 'Use --method ensemble with several models, or --method laplace for a model whose last layer is dense.' });
  }
  const n = x.shape[0]!;
  const K = model.outputWidth;
  const data = new Float32Array(passes * n * K);
  const seeds = new Rng(options.seed ?? 0);
  for (let t = 0; t < passes; t++) {
    await yieldToEventLoop();
    throwIfAborted(options.signal);
    const pass = await model.sample(x, 1, seeds.nextUint32());
    if (pass.length !== n * K) throw new GlassboxError('model_error', `MC dropout: a pass returned ${pass.length} values for ${n} rows × ${K} classes`, {});
    data.set(pass, t * n * K);
    options.onProgress?.(t + 1, passes);
  }
  return { data, samples: passes, rows: n, classes: K };
}
