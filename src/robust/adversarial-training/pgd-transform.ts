import type { BatchTransform, HostBatch, TransformContext } from '../../train/types.js';
import type { InputBounds } from '../attacks/bounds.js';
import { l2Step, linfStep, randomStart } from '../attacks/steps.js';
import type { AdversarialTrainingSettings } from './settings.js';

/** Which settings the inner attack needs. */
export type InnerAttack = Pick<AdversarialTrainingSettings, 'epsilon' | 'norm' | 'steps' | 'stepSize' | 'randomStart'>;

/**
 * The inner maximisation of Madry et al. (2018): PGD on the per-row cross-entropy under the weights
 * being trained (`context.lossGradients`, inference mode), with the same float32 step kernels as
 * glassbox attack (torchattacks' arithmetic), the random start drawn from the transform stream.
 * Returns the adversarial rows of `batch.x`.
 */
export function pgdExamples(batch: HostBatch, context: TransformContext, attack: InnerAttack, bounds: InputBounds): Float32Array {
  const m = batch.y.length;
  const d = bounds.lower.length;
  const eps = new Float32Array(m).fill(attack.epsilon);
  const alpha = new Float32Array(m).fill(attack.stepSize);
  const adv = Float32Array.from(batch.x);
  const scratch = new Float32Array(d);
  if (attack.randomStart) randomStart(adv, batch.x, eps, attack.norm, bounds, context.rng, 0, m, scratch);
  for (let s = 0; s < attack.steps; s++) {
    const { gradient } = context.lossGradients(adv, batch.shape, batch.y);
    if (attack.norm === 'linf') linfStep(adv, batch.x, gradient, eps, alpha, bounds, 0, m);
    else l2Step(adv, batch.x, gradient, eps, alpha, bounds, 0, m, scratch);
  }
  return adv;
}

/**
 * A batch transform for PGD adversarial training (Madry et al. 2018, "Towards deep learning models
 * resistant to adversarial attacks"): every batch is replaced by its PGD examples, so the step
 * minimises the adversarial cross-entropy. With `cleanWeight` α > 0 the clean rows stay in the batch
 * with weight α·w and the adversarial ones get (1 − α)·w, which gives α·CE(clean) + (1 − α)·CE(adv)
 * under the weighted-mean cross-entropy (Goodfellow et al. 2015's mixed objective). Adversarial rows
 * keep their source row id and metadata.
 */
export function pgdTrainingTransform(attack: InnerAttack, bounds: InputBounds, cleanWeight = 0): BatchTransform {
  return (batch, context) => {
    const adv = pgdExamples(batch, context, attack, bounds);
    if (cleanWeight === 0) return { ...batch, x: adv };
    const m = batch.y.length;
    const x = new Float32Array(2 * batch.x.length);
    x.set(batch.x);
    x.set(adv, batch.x.length);
    const weights = new Float32Array(2 * m);
    for (let i = 0; i < m; i++) {
      weights[i] = cleanWeight * batch.weights[i]!;
      weights[m + i] = (1 - cleanWeight) * batch.weights[i]!;
    }
    const twice = <T extends Float32Array | Int32Array>(a: T): T => {
      const out = new (a.constructor as new (k: number) => T)(2 * a.length);
      out.set(a);
      out.set(a, a.length);
      return out;
    };
    const meta = Object.fromEntries(Object.entries(batch.meta).map(([k, v]) => [k, twice(v)]));
    return { x, shape: [2 * m, ...batch.shape.slice(1)], y: twice(batch.y), weights, rows: twice(batch.rows), meta };
  };
}
