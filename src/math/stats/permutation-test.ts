import { GlassboxError, throwIfAborted } from '../../errors.js';
import { toRng } from '../../rng.js';
import type { Rng } from '../../rng.js';
import type { Alternative, TestResult } from './proportion-test.js';

export interface PermutationTestOptions {
  /** Number of random relabelings (default 999). */
  readonly iterations?: number;
  readonly seed?: number | Rng;
  readonly alternative?: Alternative;
  readonly signal?: AbortSignal;
}

/**
 * Monte-Carlo permutation test of a group statistic (Good, "Permutation, Parametric and Bootstrap Tests of
 * Hypotheses", 2005). `statistic(mask)` scores a group membership mask (1 = in the group); the mask is
 * shuffled `iterations` times, keeping the group size. p = (1 + #{T* ≥ T}) / (1 + B) for 'greater'
 * (|T*| ≥ |T| for 'two-sided', T* ≤ T for 'less'), which is never 0 and is valid at any B
 * (Phipson & Smyth 2010). Same seed → same p.
 */
export function permutationTest(mask: Uint8Array, statistic: (mask: Uint8Array) => number, options: PermutationTestOptions = {}): TestResult {
  const iterations = options.iterations ?? 999;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new GlassboxError('invalid_argument', `permutationTest: iterations = ${iterations} must be a positive integer.`, { argument: 'iterations', hint: 'Use e.g. 999 or 9999.' });
  }
  const rng = toRng(options.seed ?? 0);
  const alternative = options.alternative ?? 'two-sided';
  const observed = statistic(mask);
  if (Number.isNaN(observed)) return { statistic: observed, pValue: Number.NaN };
  const shuffled = Uint8Array.from(mask);
  const tol = 1e-12 * Math.max(1, Math.abs(observed));
  let extreme = 0;
  for (let b = 0; b < iterations; b++) {
    if ((b & 63) === 0) throwIfAborted(options.signal);
    rng.shuffle(shuffled);
    const t = statistic(shuffled);
    if (alternative === 'greater' ? t >= observed - tol : alternative === 'less' ? t <= observed + tol : Math.abs(t) >= Math.abs(observed) - tol) extreme++;
  }
  return { statistic: observed, pValue: (1 + extreme) / (1 + iterations) };
}
