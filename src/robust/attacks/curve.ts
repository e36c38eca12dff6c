import { GlassboxError } from '../../errors.js';
import { wilsonInterval } from '../../math/stats/wilson.js';
import type { ConfidenceInterval } from '../../math/stats/interval.js';
import type { Model } from '../../model/model.js';
import { rowSize, type Tensor } from '../../model/tensor.js';
import { checkAttackInputs, type AttackContext } from './attack.js';
import { checkBounds, uniformBounds } from './bounds.js';
import { perturb, predictClasses } from './perturb.js';
import { resolveAttackSettings, type AttackOptions, type AttackSettings } from './settings.js';

export interface CurvePoint {
  readonly epsilon: number;
  /** Rows still classified correctly after the attack at this ε (ε = 0: the clean accuracy). */
  readonly correct: number;
  readonly accuracy: number;
  /** Wilson 95% interval of the accuracy over the n rows. */
  readonly interval: ConfidenceInterval;
}

export interface RobustnessCurve {
  readonly n: number;
  readonly points: readonly CurvePoint[];
  /** Settings at the largest ε; the step size follows ε unless it was given (then it is fixed). */
  readonly settings: AttackSettings;
  /** Whether the PGD step size was given (fixed for every ε) or follows 2.5·ε/steps. */
  readonly stepSizeFixed: boolean;
  /** Per ε (same order as points), which rows stay correct: 1/0. */
  readonly correctByEpsilon: readonly Uint8Array[];
}

/**
 * Robust accuracy against ε: the attack is run once per ε (each from the clean inputs, same seed),
 * with PGD's default step 2.5·ε/steps per ε unless `stepSize` is given.
 */
export async function robustAccuracyCurve(model: Model, x: Tensor, labels: Int32Array, epsilons: readonly number[], options: Omit<AttackOptions, 'epsilon'>, context: AttackContext = {}): Promise<RobustnessCurve> {
  if (epsilons.length === 0) throw new GlassboxError('invalid_argument', 'the robustness curve needs at least one ε.', { argument: 'epsilons', hint: 'e.g. --epsilons 0,0.05,0.1,0.2' });
  const sorted = [...epsilons].sort((a, b) => a - b);
  const settingsAt = (epsilon: number): AttackSettings => resolveAttackSettings({ ...options, epsilon });
  const last = settingsAt(sorted[sorted.length - 1]!);
  checkAttackInputs(model, x, labels);
  const d = rowSize(x.shape);
  const bounds = context.bounds ?? uniformBounds(d, 0, 1);
  checkBounds(bounds, x.data, d);
  const n = labels.length;
  const points: CurvePoint[] = [];
  const correctByEpsilon: Uint8Array[] = [];
  const passes = sorted.reduce((s, e) => s + (e > 0 ? settingsAt(e).steps : 0), 0);
  let done = 0;
  for (const epsilon of sorted) {
    const settings = settingsAt(epsilon);
    const adv = epsilon > 0 ? await perturb({ model, x, labels, bounds, settings, ...(context.signal ? { signal: context.signal } : {}), onProgress: (k) => context.onProgress?.(done + k, passes) }) : x.data;
    if (epsilon > 0) done += settings.steps;
    const pred = await predictClasses(model, { data: adv, shape: x.shape }, context.signal);
    const ok = new Uint8Array(n);
    let correct = 0;
    for (let i = 0; i < n; i++) {
      if (pred[i] !== labels[i]) continue;
      ok[i] = 1;
      correct++;
    }
    correctByEpsilon.push(ok);
    points.push({ epsilon, correct, accuracy: n > 0 ? correct / n : Number.NaN, interval: wilsonInterval(correct, n) });
  }
  return { n, points, settings: last, stepSizeFixed: options.stepSize !== undefined, correctByEpsilon };
}
