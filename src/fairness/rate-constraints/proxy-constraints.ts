import type { LossContext, LossTerm } from '../../train/types.js';
import type * as tfTypes from '../../model/tfjs/tfjs-api.js';
import { eligible } from './rates.js';
import type { ConstrainedRate } from './rates.js';

/**
 * Differentiable stand-ins for the indicator 1[margin ≥ 0] (margin = logit(p) − logit(threshold)):
 * 'hinge' bounds a rate from above with max(0, 1 + m) and from below with min(1, m), TFCO's default, so
 * a proxy difference bounds the true one from above; 'sigmoid' uses σ(m / temperature) for both.
 */
export type ProxyKind = 'hinge' | 'sigmoid';

/** The current Lagrange multipliers, one per constraint (read by the θ-player's loss, written by the λ-player). */
export interface Multipliers {
  readonly pairs: readonly (readonly [number, number])[];
  readonly values: Float64Array;
}

export interface ProxyConstraintOptions {
  readonly rate: ConstrainedRate;
  readonly bound: number;
  readonly groupKey: string;
  readonly threshold?: number;
  readonly proxy?: ProxyKind;
  /** Temperature of the sigmoid proxy on the logit scale (default 1). */
  readonly temperature?: number;
  readonly name?: string;
}

/** The positive-class logit margin logit(p) − logit(threshold) per row ([m]); two-column softmax: z1 − z0. */
export function margins(context: LossContext, threshold: number): tfTypes.Tensor1D {
  const { tf, logits } = context;
  const k = logits.shape[1] ?? 1;
  const z = k === 1 ? tf.reshape(logits, [-1]) : tf.sub(tf.reshape(tf.slice(logits, [0, k - 1], [-1, 1]), [-1]), tf.reshape(tf.slice(logits, [0, k - 2], [-1, 1]), [-1]));
  return tf.sub(z, Math.log(threshold / (1 - threshold))) as tfTypes.Tensor1D;
}

/**
 * The θ-player's part of the proxy-Lagrangian (Cotter, Jiang, Gupta, Wang, Narayan, You & Sridharan 2019,
 * "Optimization with non-differentiable constraints with applications to fairness, recall, churn, and
 * other goals", JMLR 20(172); TensorFlow Constrained Optimization): Σ_j λ_j·(proxy rate_g − proxy rate_h −
 * bound) over the constraints j = (g, h) of the batch, with the multipliers λ held fixed (they are updated
 * outside the gradient, on the true rates: see rateConstrainedFineTune). Rates are weighted by the sample
 * weights of the eligible rows; constraints on a group absent from the batch contribute 0.
 */
export function proxyConstraintTerm(multipliers: Multipliers, options: ProxyConstraintOptions): LossTerm {
  const threshold = options.threshold ?? 0.5;
  const proxy = options.proxy ?? 'hinge';
  const temperature = options.temperature ?? 1;
  return Object.freeze({
    name: options.name ?? `rate-constraint-${options.rate}`,
    value(context: LossContext): tfTypes.Scalar {
      const { tf, batch } = context;
      const ids = batch.meta[options.groupKey];
      const m = batch.y.length;
      const coefUpper = new Float32Array(m);
      const coefLower = new Float32Array(m);
      const weightOf = new Map<number, number>();
      for (let i = 0; i < m; i++) {
        if (!ids || ids[i]! < 0 || !eligible(options.rate, batch.y[i]!)) continue;
        weightOf.set(ids[i]!, (weightOf.get(ids[i]!) ?? 0) + batch.weights[i]!);
      }
      let constant = 0;
      let active = false;
      multipliers.pairs.forEach(([g, h], j) => {
        const lambda = multipliers.values[j]!;
        const wg = weightOf.get(g) ?? 0;
        const wh = weightOf.get(h) ?? 0;
        if (lambda === 0 || wg === 0 || wh === 0) return;
        active = true;
        constant -= lambda * options.bound;
        for (let i = 0; i < m; i++) {
          if (!ids || !eligible(options.rate, batch.y[i]!)) continue;
          if (ids[i] === g) coefUpper[i]! += (lambda * batch.weights[i]!) / wg;
          else if (ids[i] === h) coefLower[i]! += (lambda * batch.weights[i]!) / wh;
        }
      });
      if (!active) return tf.scalar(0);
      const mg = margins(context, threshold);
      const upper = proxy === 'hinge' ? tf.relu(tf.add(mg, 1)) : tf.sigmoid(tf.div(mg, temperature));
      const lower = proxy === 'hinge' ? tf.minimum(mg, 1) : tf.sigmoid(tf.div(mg, temperature));
      const total = tf.sub(tf.sum(tf.mul(upper, tf.tensor1d(coefUpper))), tf.sum(tf.mul(lower, tf.tensor1d(coefLower))));
      return tf.add(total, constant) as tfTypes.Scalar;
    },
  });
}
