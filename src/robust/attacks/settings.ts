import { GlassboxError } from '../../errors.js';

export type AttackMethod = 'fgsm' | 'pgd';
export type AttackNorm = 'linf' | 'l2';

/** What the caller asks for; unset fields take torchattacks'/Madry's defaults (see resolveAttackSettings). */
export interface AttackOptions {
  readonly method: AttackMethod;
  /** Radius of the perturbation ball (L∞: per element; L2: per row). */
  readonly epsilon: number;
  /** 'linf' (default) or 'l2' (PGD only). */
  readonly norm?: AttackNorm;
  /** PGD step size α; default 2.5·ε / steps (Madry et al. 2018). */
  readonly stepSize?: number;
  /** PGD iterations; default 10 (torchattacks' default). */
  readonly steps?: number;
  /** PGD random start; default true (torchattacks' default). */
  readonly randomStart?: boolean;
  /** Seed of the random start; default 0. */
  readonly seed?: number;
}

/** The settings an attack ran with, all explicit (recorded in every result). */
export interface AttackSettings {
  readonly method: AttackMethod;
  readonly norm: AttackNorm;
  readonly epsilon: number;
  readonly stepSize: number;
  readonly steps: number;
  readonly randomStart: boolean;
  readonly seed: number;
  readonly loss: 'cross-entropy';
}

function bad(argument: string, message: string, hint: string): GlassboxError {
  return new GlassboxError('invalid_argument', message, { argument, hint });
}

/** Validates options and fills defaults; FGSM is one L∞ step of size ε without random start. */
export function resolveAttackSettings(options: AttackOptions): AttackSettings {
  const { method, epsilon } = options;
  if (method !== 'fgsm' && method !== 'pgd') throw bad('method', `unknown attack method '${String(method)}'.`, 'Use fgsm or pgd.');
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw bad('epsilon', `epsilon must be a finite number ≥ 0 (got ${epsilon}).`, 'e.g. --epsilon 0.1 for images in [0, 1].');
  const norm = options.norm ?? 'linf';
  if (norm !== 'linf' && norm !== 'l2') throw bad('norm', `unknown norm '${String(norm)}'.`, 'Use linf or l2.');
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw bad('seed', `seed must be an integer (got ${seed}).`, 'e.g. --seed 0.');
  if (method === 'fgsm') {
    if (norm !== 'linf') throw bad('norm', 'FGSM is an L∞ attack.', 'Use --method pgd for --norm l2.');
    return { method, norm, epsilon, stepSize: epsilon, steps: 1, randomStart: false, seed, loss: 'cross-entropy' };
  }
  const steps = options.steps ?? 10;
  if (!(Number.isInteger(steps) && steps >= 1)) throw bad('steps', `steps must be a positive integer (got ${steps}).`, 'e.g. --steps 10.');
  const stepSize = options.stepSize ?? (2.5 * epsilon) / steps;
  if (!(Number.isFinite(stepSize) && stepSize >= 0)) throw bad('stepSize', `step size must be a finite number ≥ 0 (got ${stepSize}).`, 'e.g. --step-size 0.01.');
  return { method, norm, epsilon, stepSize, steps, randomStart: options.randomStart ?? true, seed, loss: 'cross-entropy' };
}
