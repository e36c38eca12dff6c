import type { ConfidenceInterval } from '../../math/stats/interval.js';
import { pairedDifference } from '../../math/stats/paired-difference.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import type { InputBounds } from '../attacks/bounds.js';
import { robustAccuracyCurve } from '../attacks/curve.js';
import type { AttackNorm, AttackSettings } from '../attacks/settings.js';

/** A proportion of rows with its count and Wilson 95% interval. */
export interface ProportionEstimate {
  readonly correct: number;
  readonly n: number;
  readonly value: number;
  readonly interval: ConfidenceInterval;
}

/** Clean and robust accuracy of one model on the same rows. */
export interface RobustnessEvaluation {
  readonly n: number;
  readonly accuracy: ProportionEstimate;
  /** Accuracy on the PGD examples of `attack` (each row attacked from its clean input). */
  readonly robustAccuracy: ProportionEstimate;
  readonly attack: AttackSettings;
  /** 1 where the row is classified correctly, clean and under attack. */
  readonly correctClean: Uint8Array;
  readonly correctRobust: Uint8Array;
}

export interface EvaluationOptions {
  readonly epsilon: number;
  readonly norm?: AttackNorm;
  /** PGD iterations of the evaluation attack (default 20). */
  readonly steps?: number;
  /** Seed of the attack's random start (default 0). */
  readonly seed?: number;
  readonly bounds?: InputBounds;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Clean accuracy and robust accuracy under PGD-`steps` (default 20; L∞ or L2, step 2.5·ε/steps,
 * seeded random start) at radius ε, through glassbox attack's PGD, with Wilson 95% intervals.
 */
export async function evaluateRobustness(model: Model, x: Tensor, labels: Int32Array, options: EvaluationOptions): Promise<RobustnessEvaluation> {
  const curve = await robustAccuracyCurve(model, x, labels, [0, options.epsilon], { method: 'pgd', norm: options.norm ?? 'linf', steps: options.steps ?? 20, randomStart: true, seed: options.seed ?? 0 }, {
    ...(options.bounds ? { bounds: options.bounds } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const [clean, robust] = curve.points as [(typeof curve.points)[0], (typeof curve.points)[0]];
  const estimate = (p: typeof clean): ProportionEstimate => ({ correct: p.correct, n: curve.n, value: p.accuracy, interval: p.interval });
  return { n: curve.n, accuracy: estimate(clean), robustAccuracy: estimate(robust), attack: curve.settings, correctClean: curve.correctByEpsilon[0]!, correctRobust: curve.correctByEpsilon[1]! };
}

/** after − before on the same rows, with Newcombe's paired interval (method 10, 1998). */
export interface PairedChange {
  readonly value: number;
  readonly interval: ConfidenceInterval;
  /** Rows right after but not before, and right before but not after. */
  readonly gained: number;
  readonly lost: number;
}

function pairedChange(before: Uint8Array, after: Uint8Array): PairedChange {
  let both = 0;
  let gained = 0;
  let lost = 0;
  for (let i = 0; i < before.length; i++) {
    if (before[i] && after[i]) both++;
    else if (after[i]) gained++;
    else if (before[i]) lost++;
  }
  const { value, interval } = pairedDifference(both, gained, lost, before.length);
  return { value, interval, gained, lost };
}

/** The change of clean and robust accuracy between two evaluations of the same rows. */
export function robustnessChange(before: RobustnessEvaluation, after: RobustnessEvaluation): { readonly accuracy: PairedChange; readonly robustAccuracy: PairedChange } {
  return { accuracy: pairedChange(before.correctClean, after.correctClean), robustAccuracy: pairedChange(before.correctRobust, after.correctRobust) };
}
