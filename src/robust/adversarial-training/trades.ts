import { GlassboxError } from '../../errors.js';
import type { TrainingGraph } from '../../model/capabilities.js';
import type { BatchTransform, HostBatch, LossContext, LossTerm, TF, TransformContext } from '../../train/types.js';
import type * as tfTypes from '../../model/tfjs/tfjs-api.js';
import type { InputBounds } from '../attacks/bounds.js';
import { l2Step, linfStep } from '../attacks/steps.js';
import type { InnerAttack } from './pgd-transform.js';

/**
 * Metadata column a TRADES batch carries: −1 on its clean rows (the first half), and on each
 * adversarial row (the second half) the index of its clean row in the batch.
 */
export const TRADES_PAIR_KEY = 'tradesCleanRow';

/** TRADES' start: x + 0.001·N(0, I) per element (its reference code), frozen elements stay at x. */
const START_SCALE = 0.001;

/** softmax(f(x)) of the clean rows under the weights being trained, inference mode (kept; caller disposes). */
function cleanProbabilities(tf: TF, graph: TrainingGraph, x: Float32Array, shape: readonly number[]): tfTypes.Tensor2D {
  return tf.tidy(() => tf.softmax(graph.logits(tf.tensor(x, [...shape]))));
}

/**
 * ∂/∂x′ Σ_i KL(p_i ‖ softmax(f(x′_i))) with p fixed: the direction TRADES' inner maximisation climbs.
 * Σ p·log p does not depend on x′, so the gradient is that of the cross-entropy −Σ p·log softmax(f(x′)).
 */
function klGradient(tf: TF, graph: TrainingGraph, p: tfTypes.Tensor2D, adv: Float32Array, shape: readonly number[]): Float32Array {
  const g = tf.tidy(() => {
    const klSum = (input: tfTypes.Tensor): tfTypes.Scalar => tf.neg(tf.sum(tf.mul(p, tf.logSoftmax(graph.logits(input))))) as tfTypes.Scalar;
    return tf.grad(klSum)(tf.tensor(adv, [...shape]));
  });
  const out = Float32Array.from(g.dataSync() as Float32Array);
  g.dispose();
  return out;
}

/**
 * TRADES' inner maximisation (Zhang et al. 2019, "Theoretically principled trade-off between
 * robustness and accuracy", Algorithm 1): x′ starts at x + 0.001·N(0, I) and climbs KL(f(x) ‖ f(x′))
 * with projected sign steps (L∞; L2: normalised steps) onto the ε-ball and the valid range.
 */
export function tradesExamples(batch: HostBatch, context: TransformContext, attack: InnerAttack, bounds: InputBounds): Float32Array {
  const { tf, graph, rng } = context;
  const m = batch.y.length;
  const d = bounds.lower.length;
  const eps = new Float32Array(m).fill(attack.epsilon);
  const alpha = new Float32Array(m).fill(attack.stepSize);
  const adv = Float32Array.from(batch.x);
  for (let k = 0; k < adv.length; k++) if (!bounds.frozen[k % d]) adv[k] = Math.fround(adv[k]! + Math.fround(START_SCALE * rng.normal()));
  const scratch = new Float32Array(d);
  const p = cleanProbabilities(tf, graph, batch.x, batch.shape);
  try {
    for (let s = 0; s < attack.steps; s++) {
      const gradient = klGradient(tf, graph, p, adv, batch.shape);
      if (attack.norm === 'linf') linfStep(adv, batch.x, gradient, eps, alpha, bounds, 0, m);
      else l2Step(adv, batch.x, gradient, eps, alpha, bounds, 0, m, scratch);
    }
  } finally {
    p.dispose();
  }
  return adv;
}

/**
 * The TRADES batch: the clean rows (their own weights, for the cross-entropy) followed by their
 * adversarial rows (weight 0, so the cross-entropy ignores them; the KL term reads them through
 * `TRADES_PAIR_KEY`).
 */
export function tradesTrainingTransform(attack: InnerAttack, bounds: InputBounds): BatchTransform {
  return (batch, context) => {
    const adv = tradesExamples(batch, context, attack, bounds);
    const m = batch.y.length;
    const x = new Float32Array(2 * batch.x.length);
    x.set(batch.x);
    x.set(adv, batch.x.length);
    const weights = new Float32Array(2 * m);
    weights.set(batch.weights);
    const pair = new Int32Array(2 * m).fill(-1);
    for (let i = 0; i < m; i++) pair[m + i] = i;
    const twice = <T extends Float32Array | Int32Array>(a: T): T => {
      const out = new (a.constructor as new (k: number) => T)(2 * a.length);
      out.set(a);
      out.set(a, a.length);
      return out;
    };
    const meta = { ...Object.fromEntries(Object.entries(batch.meta).map(([k, v]) => [k, twice(v)])), [TRADES_PAIR_KEY]: pair };
    return { x, shape: [2 * m, ...batch.shape.slice(1)], y: twice(batch.y), weights, rows: twice(batch.rows), meta };
  };
}

/** Checks the batch layout the TRADES transform builds; returns m, the number of clean rows. */
function pairedHalf(context: LossContext): number {
  const pair = context.batch.meta[TRADES_PAIR_KEY];
  const n = context.batch.y.length;
  const m = n / 2;
  const ok = pair !== undefined && Number.isInteger(m) && Array.from({ length: m }, (_, i) => pair[i] === -1 && pair[m + i] === i).every(Boolean);
  if (!ok) {
    throw new GlassboxError('invalid_input', `tradesKl: the batch is not a TRADES batch (clean rows, then their adversarial rows, paired by meta.${TRADES_PAIR_KEY})`, {
      argument: 'transform',
      hint: 'Use tradesKl together with tradesTrainingTransform.',
    });
  }
  return m;
}

/**
 * TRADES' robustness term, Σ_i w_i·KL(softmax(f(x_i)) ‖ softmax(f(x′_i))) / Σ_i w_i over the clean
 * rows' weights (the reference code's batch mean for unit weights); the gradient flows through both
 * the clean and the adversarial outputs, as in the reference code.
 */
export function tradesKl(): LossTerm {
  return Object.freeze({
    name: 'trades-kl',
    value(context: LossContext): tfTypes.Scalar {
      const { tf, logits } = context;
      const m = pairedHalf(context);
      const k = logits.shape[1] ?? 1;
      const clean = tf.slice(logits, [0, 0], [m, k]);
      const adv = tf.slice(logits, [m, 0], [m, k]);
      const logP = tf.logSoftmax(clean);
      const rows = tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, tf.logSoftmax(adv))), 1);
      const w = tf.tensor1d(context.batch.weights.subarray(0, m));
      return tf.div(tf.sum(tf.mul(rows, w)), tf.maximum(tf.sum(w), 1e-12)) as tfTypes.Scalar;
    },
  });
}
