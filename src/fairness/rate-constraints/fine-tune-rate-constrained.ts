import type { Trainable } from '../../model/capabilities.js';
import type { Model } from '../../model/model.js';
import type { TrainingData, TrainingResult } from '../../train/types.js';
import { fineTuneClone, GROUP_KEY } from '../fine-tune.js';
import type { FineTuneOptions, GroupedRows } from '../fine-tune.js';
import { proxyConstraintTerm } from './proxy-constraints.js';
import type { Multipliers, ProxyKind } from './proxy-constraints.js';
import { checkBound, constraintPairs, groupRatesOf, maxViolation } from './rates.js';
import type { ConstrainedRate } from './rates.js';

export interface RateConstraintOptions extends FineTuneOptions {
  /** The rate whose difference between groups (max − min) is bounded. */
  readonly rate: ConstrainedRate;
  /** Largest allowed difference, in [0, 1). */
  readonly bound: number;
  /** Decisions are score ≥ threshold (default 0.5). */
  readonly threshold?: number;
  /** Differentiable proxy of the rates in the θ-player's loss (default 'hinge', as TFCO). */
  readonly proxy?: ProxyKind;
  readonly temperature?: number;
  /** Step size η of the multipliers' projected ascent λ ← max(0, λ + η·violation), per batch (default 0.5). */
  readonly multiplierLearningRate?: number;
  /** Starting value of every multiplier (default 0). */
  readonly initialMultiplier?: number;
  /** Share of the training rows kept aside to pick the iterate (default 0.2). */
  readonly validationFraction?: number;
}

export interface RateConstrainedResult {
  readonly model: Model & Trainable;
  readonly training: TrainingResult;
  /** The constraints rate_g − rate_h ≤ bound (group ids) and their final multipliers. */
  readonly multipliers: { readonly pairs: readonly (readonly [number, number])[]; readonly values: readonly number[] };
  /**
   * The chosen iterate on the validation rows: its objective (error rate when feasible, else 1 + the largest
   * violation) and whether every constraint holds there.
   */
  readonly validation: { readonly rows: number; readonly objective: number; readonly feasible: boolean };
}

/** Defaults of the multiplier player and the iterate choice. */
export const RATE_CONSTRAINT_DEFAULTS = Object.freeze({ multiplierLearningRate: 0.5, validationFraction: 0.2, proxy: 'hinge' as ProxyKind });

/**
 * Fine-tunes a clone of `model` so that the difference of a group rate (FPR, TPR or selection rate; max −
 * min over groups) is at most `bound`, by the proxy-Lagrangian two-player game of Cotter et al. (2019,
 * JMLR 20(172); TensorFlow Constrained Optimization): the θ-player minimises cross-entropy + Σ λ_j·proxy
 * constraint_j (hinge or sigmoid proxies of the rates, {@link proxyConstraintTerm}); the λ-player, before
 * every step, moves each multiplier by projected gradient ascent on the *true* (thresholded) constraint
 * violation of the batch, λ_j ← max(0, λ_j + η·(rate_g − rate_h − bound)). TFCO's proxy-Lagrangian
 * optimiser uses a swap-regret update of the multipliers instead of this additive one.
 *
 * The iterate kept is chosen on a seeded validation split of the training rows as Cotter et al. suggest for
 * a deterministic solution: the epoch with the lowest error among those meeting every constraint there,
 * else the one with the smallest violation.
 */
export async function rateConstrainedFineTune(model: Model & Trainable, rows: GroupedRows, options: RateConstraintOptions): Promise<RateConstrainedResult> {
  checkBound(options.bound);
  const threshold = options.threshold ?? 0.5;
  const eta = options.multiplierLearningRate ?? RATE_CONSTRAINT_DEFAULTS.multiplierLearningRate;
  const groupCount = Math.max(0, ...Array.from(rows.groups)) + 1;
  const present = [...new Set(Array.from(rows.groups).filter((g) => g >= 0))].sort((a, b) => a - b);
  const pairs = constraintPairs(present);
  const multipliers: Multipliers = { pairs, values: new Float64Array(pairs.length).fill(options.initialMultiplier ?? 0) };
  const term = proxyConstraintTerm(multipliers, { rate: options.rate, bound: options.bound, groupKey: GROUP_KEY, threshold, proxy: options.proxy ?? RATE_CONSTRAINT_DEFAULTS.proxy, ...(options.temperature !== undefined ? { temperature: options.temperature } : {}) });
  const monitor = (probabilities: Float32Array, data: TrainingData): number => {
    const n = data.y.length;
    const scores = Float32Array.from({ length: n }, (_, i) => probabilities[2 * i + 1]!);
    const violation = maxViolation(groupRatesOf(options.rate, scores, data.y, data.meta![GROUP_KEY]!, groupCount, threshold, data.sampleWeights), options.bound);
    let wrong = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = data.sampleWeights ? data.sampleWeights[i]! : 1;
      total += w;
      if ((scores[i]! >= threshold ? 1 : 0) !== data.y[i]) wrong += w;
    }
    return !(violation > 0) ? wrong / total : 1 + violation;
  };
  const { model: tuned, training } = await fineTuneClone(model, rows, [{ term, lambda: 1 }], options, {
    validation: { fraction: options.validationFraction ?? RATE_CONSTRAINT_DEFAULTS.validationFraction },
    monitor,
    earlyStopping: { patience: Number.MAX_SAFE_INTEGER, restoreBest: true },
    transform: (batch, context) => {
      const { tf } = context;
      const probs = tf.tidy(() => tf.softmax(context.graph.logits(tf.tensor(batch.x, [...batch.shape]))));
      const p = probs.dataSync();
      probs.dispose();
      const k = p.length / batch.y.length;
      const scores = Float32Array.from(batch.y, (_, i) => p[i * k + k - 1]!);
      const rates = groupRatesOf(options.rate, scores, batch.y, batch.meta[GROUP_KEY]!, groupCount, threshold, batch.weights);
      pairs.forEach(([g, h], j) => {
        const violation = rates[g]! - rates[h]! - options.bound;
        if (Number.isNaN(violation)) return;
        multipliers.values[j] = Math.max(0, multipliers.values[j]! + eta * violation);
      });
      return batch;
    },
  });
  const best = training.history[training.bestEpoch - 1];
  const objective = best?.validation ?? Number.NaN;
  return {
    model: tuned,
    training,
    multipliers: { pairs, values: Array.from(multipliers.values) },
    validation: { rows: training.validationRows, objective, feasible: objective < 1 },
  };
}
