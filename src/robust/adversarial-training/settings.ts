import { GlassboxError } from '../../errors.js';
import type { AttackNorm } from '../attacks/settings.js';

export type AdversarialMethod = 'pgd' | 'trades';

/** What the caller asks for; unset fields take the defaults documented on each field. */
export interface AdversarialTrainingOptions {
  /** 'pgd' (Madry et al. 2018, default) or 'trades' (Zhang et al. 2019). */
  readonly method?: AdversarialMethod;
  /**
   * Radius of the perturbation ball (L∞: per element; L2: per row) the robust accuracy is measured at,
   * and the model trained against unless `trainingEpsilon` is given.
   */
  readonly epsilon: number;
  /**
   * Radius of the training attack when it should differ from `epsilon` (training slightly beyond the
   * evaluated radius is a common way to reach robustness at it). Default: `epsilon`.
   */
  readonly trainingEpsilon?: number;
  /** 'linf' (default) or 'l2'. */
  readonly norm?: AttackNorm;
  /** Attack iterations per training batch (default 7, Madry et al.'s CIFAR-10 setting). */
  readonly steps?: number;
  /** Attack step size α (default 2.5·ε/steps with the training ε, Madry et al.'s rule, as in glassbox attack). */
  readonly stepSize?: number;
  /**
   * PGD start: true (default) starts from a uniform point of the ε-ball (Madry et al.); false from x.
   * TRADES always starts from x + 0.001·N(0, I), as its reference code does.
   */
  readonly randomStart?: boolean;
  /** TRADES: weight β of KL(f(x) ‖ f(x′)) against the clean cross-entropy (default 6, the paper's setting). */
  readonly beta?: number;
  /**
   * PGD: weight of the clean rows in the loss, α·CE(clean) + (1 − α)·CE(adversarial) (Goodfellow et al.
   * 2015 used 0.5). Default 0: adversarial rows only, as Madry et al.
   */
  readonly cleanWeight?: number;
}

/** The settings a run used, all explicit (recorded in its result). */
export interface AdversarialTrainingSettings {
  readonly method: AdversarialMethod;
  /** The evaluated radius. */
  readonly epsilon: number;
  /** The training attack's radius. */
  readonly trainingEpsilon: number;
  readonly norm: AttackNorm;
  readonly steps: number;
  readonly stepSize: number;
  readonly randomStart: boolean;
  /** TRADES only. */
  readonly beta?: number;
  /** PGD only. */
  readonly cleanWeight?: number;
}

function bad(argument: string, message: string, hint: string): GlassboxError {
  return new GlassboxError('invalid_argument', `adversarial training: ${message}`, { argument, hint });
}

/** Validates the options and fills the defaults; every error names the argument and a valid value. */
export function resolveAdversarialSettings(options: AdversarialTrainingOptions): AdversarialTrainingSettings {
  const method = options.method ?? 'pgd';
  if (method !== 'pgd' && method !== 'trades') throw bad('method', `unknown method '${String(method)}'.`, 'Use pgd (Madry et al.) or trades.');
  const { epsilon } = options;
  if (!(Number.isFinite(epsilon) && epsilon > 0)) throw bad('epsilon', `epsilon must be a finite number > 0 (got ${epsilon}).`, 'e.g. --epsilon 0.1 for images in [0, 1].');
  const trainingEpsilon = options.trainingEpsilon ?? epsilon;
  if (!(Number.isFinite(trainingEpsilon) && trainingEpsilon > 0)) throw bad('trainingEpsilon', `the training epsilon must be a finite number > 0 (got ${trainingEpsilon}).`, 'Leave it out to train at epsilon.');
  const norm = options.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw bad('norm', `unknown norm '${String(norm)}'.`, 'Use linf or l2.');
  const steps = options.steps ?? 7;
  if (!(Number.isInteger(steps) && steps >= 1)) throw bad('steps', `steps must be a positive integer (got ${steps}).`, 'e.g. --steps 7.');
  const stepSize = options.stepSize ?? (2.5 * trainingEpsilon) / steps;
  if (!(Number.isFinite(stepSize) && stepSize > 0)) throw bad('stepSize', `step size must be a finite number > 0 (got ${stepSize}).`, 'e.g. --step-size 0.01.');
  if (method === 'trades') {
    if (options.cleanWeight !== undefined) throw bad('cleanWeight', 'cleanWeight mixes clean rows into PGD training; TRADES always trains on both (β sets the balance).', 'Drop cleanWeight, or use method pgd.');
    const beta = options.beta ?? 6;
    if (!(Number.isFinite(beta) && beta >= 0)) throw bad('beta', `beta must be a finite number ≥ 0 (got ${beta}).`, 'e.g. --beta 6 (the TRADES paper) or 1.');
    return { method, epsilon, trainingEpsilon, norm, steps, stepSize, randomStart: true, beta };
  }
  if (options.beta !== undefined) throw bad('beta', 'beta is the TRADES trade-off; PGD training has none.', 'Drop --beta, or use --method trades.');
  const cleanWeight = options.cleanWeight ?? 0;
  if (!(Number.isFinite(cleanWeight) && cleanWeight >= 0 && cleanWeight < 1)) throw bad('cleanWeight', `cleanWeight must be in [0, 1) (got ${cleanWeight}).`, 'e.g. 0.5 for half clean, half adversarial.');
  return { method, epsilon, trainingEpsilon, norm, steps, stepSize, randomStart: options.randomStart ?? true, cleanWeight };
}
