import { GlassboxError, throwIfAborted } from '../errors.js';
import { sampleMixtureComponent, type GaussianMixture } from '../math/gaussian-mixture.js';
import type { Rng } from '../rng.js';
import { checkerAccepts } from './identify.js';
import type { Vae } from './vae/vae.js';

/**
 * How fine-tuning samples a scenario's Gaussian:
 * - 'recognisable' (default): only draws whose decodes pass identification's "still looks like its
 *   source's class" test — the reconstruction classifier's top class is the scenario's source class,
 *   with probability ≥ the search's threshold;
 * - 'gaussian': every draw, as in the paper.
 */
export type ScenarioSampling = 'recognisable' | 'gaussian';

export interface ScenarioSampleOptions {
  /** Codes wanted. */
  readonly count: number;
  readonly sampling: ScenarioSampling;
  /** Most codes drawn ('recognisable' stops earlier once `count` are accepted). */
  readonly maxDraws: number;
  /** The scenario's source class (its members' majority source label). */
  readonly sourceLabel: number;
  /** The reconstruction classifier's least probability of the source class ('recognisable'). */
  readonly checkerConfidence: number;
  readonly rng: Rng;
  readonly signal?: AbortSignal;
}

export interface ScenarioSamples {
  /** Accepted codes, [accepted, latentDim]. */
  readonly codes: Float32Array;
  readonly accepted: number;
  readonly drawn: number;
}

/**
 * Draws latent codes from a scenario's Gaussian (component 0 of `gaussian`) for fine-tuning. With
 * 'recognisable' it is rejection sampling: a draw is kept only when its decode passes the same
 * recognisability test that every member of the scenario passed in Defuse's identification step (the
 * reconstruction classifier's top class is the source class with probability ≥ `checkerConfidence`).
 * A Gaussian fitted to a few dozen codes in latent space also covers decodes that are blurred past
 * recognition or show another digit; labelling those with the scenario's class teaches the classifier
 * labels no annotator would give. Draws in rounds of `count` codes until `count` are kept or `maxDraws`
 * are drawn; seeded by `rng`.
 */
export async function sampleScenario(vae: Vae, gaussian: GaussianMixture, options: ScenarioSampleOptions): Promise<ScenarioSamples> {
  const { count, maxDraws, sourceLabel, rng } = options;
  const d = gaussian.dimension;
  if (options.sampling === 'gaussian' || count === 0) {
    return { codes: Float32Array.from(sampleMixtureComponent(gaussian, 0, count, rng)), accepted: count, drawn: count };
  }
  const checker = vae.checker;
  if (!checker) throw new GlassboxError('missing_capability', 'The VAE has no reconstruction classifier, which recognisable scenario sampling needs', { argument: 'vae', hint: 'Use a VAE trained with labels, or scenario sampling \'gaussian\'.' });
  const kept = new Float32Array(count * d);
  let accepted = 0;
  let drawn = 0;
  while (accepted < count && drawn < maxDraws) {
    throwIfAborted(options.signal);
    const batch = Math.min(count, maxDraws - drawn);
    const codes = Float32Array.from(sampleMixtureComponent(gaussian, 0, batch, rng.fork()));
    drawn += batch;
    const p = await checker.predict(vae.decode(codes));
    for (let k = 0; k < batch && accepted < count; k++) {
      if (checkerAccepts(p, k, checker.outputWidth, sourceLabel, options.checkerConfidence) === null) continue;
      kept.set(codes.subarray(k * d, (k + 1) * d), accepted * d);
      accepted++;
    }
  }
  return { codes: kept.slice(0, accepted * d), accepted, drawn };
}
