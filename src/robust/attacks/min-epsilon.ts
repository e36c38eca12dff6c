import { GlassboxError } from '../../errors.js';
import type { Model } from '../../model/model.js';
import { rowSize, type Tensor } from '../../model/tensor.js';
import { checkAttackInputs, type AttackContext } from './attack.js';
import { checkBounds, uniformBounds } from './bounds.js';
import { perturb, predictClasses } from './perturb.js';
import { resolveAttackSettings, type AttackOptions, type AttackSettings } from './settings.js';

export interface MinEpsilonResult {
  /**
   * Per row, the smallest ε found that flips the prediction, within `tolerance` above the true
   * threshold of this attack: 0 for rows already misclassified, NaN (null in JSON) for rows the
   * attack does not flip even at `maxEpsilon`.
   */
  readonly minEpsilon: Float64Array;
  readonly maxEpsilon: number;
  readonly tolerance: number;
  /** Bisection rounds run (each one attack on the rows still open). */
  readonly rounds: number;
  readonly settings: AttackSettings;
}

function gather(x: Tensor, rows: readonly number[], d: number): Tensor {
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => data.set(x.data.subarray(r * d, (r + 1) * d), i * d));
  return { data, shape: [rows.length, ...x.shape.slice(1)] };
}

/**
 * The smallest ε that flips each example, by bisection on [0, maxEpsilon] per row: a row flipped at
 * ε narrows [lo, hi] to [lo, ε], else to [ε, hi], until hi − lo ≤ tolerance; hi is reported. Every
 * probe is a full attack (same settings and seed; PGD's step scales with ε as stepSize·ε/maxEpsilon).
 * Success of an iterative attack need not be monotone in ε, so this is the threshold of the attack, an
 * upper bound on the true minimal adversarial distance.
 */
export async function minimalEpsilon(model: Model, x: Tensor, labels: Int32Array, options: AttackOptions & { tolerance?: number }, context: AttackContext = {}): Promise<MinEpsilonResult> {
  const settings = resolveAttackSettings(options);
  const maxEpsilon = settings.epsilon;
  const tolerance = options.tolerance ?? maxEpsilon / 256;
  if (!(maxEpsilon > 0)) throw new GlassboxError('invalid_argument', 'the ε bisection needs a largest ε > 0.', { argument: 'epsilon', hint: 'e.g. --min-epsilon 0.3' });
  if (!(tolerance > 0)) throw new GlassboxError('invalid_argument', `the bisection tolerance must be > 0 (got ${tolerance}).`, { argument: 'tolerance', hint: 'e.g. 0.001' });
  checkAttackInputs(model, x, labels);
  const d = rowSize(x.shape);
  const bounds = context.bounds ?? uniformBounds(d, 0, 1);
  checkBounds(bounds, x.data, d);
  const n = labels.length;
  const before = await predictClasses(model, x, context.signal);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n).fill(maxEpsilon);
  const result = new Float64Array(n).fill(Number.NaN);
  let open: number[] = [];
  for (let i = 0; i < n; i++) {
    if (before[i] !== labels[i]) result[i] = 0;
    else open.push(i);
  }
  const maxRounds = 1 + Math.ceil(Math.log2(maxEpsilon / tolerance));
  let rounds = 0;
  const probe = async (rows: readonly number[], eps: (row: number) => number): Promise<Uint8Array> => {
    const sub = gather(x, rows, d);
    const e = Float32Array.from(rows, eps);
    const alpha = Float32Array.from(rows, (r) => (settings.stepSize * eps(r)) / maxEpsilon);
    const subLabels = Int32Array.from(rows, (r) => labels[r]!);
    const adv = await perturb({ model, x: sub, labels: subLabels, bounds, settings, eps: e, alpha, ...(context.signal ? { signal: context.signal } : {}) });
    const pred = await predictClasses(model, { data: adv, shape: sub.shape }, context.signal);
    rounds++;
    context.onProgress?.(rounds, maxRounds);
    return Uint8Array.from(rows, (_, i) => (pred[i] !== subLabels[i] ? 1 : 0));
  };
  const settle = (): void => {
    open.forEach((r) => {
      if (hi[r]! - lo[r]! <= tolerance) result[r] = hi[r]!;
    });
    open = open.filter((r) => hi[r]! - lo[r]! > tolerance);
  };
  if (open.length > 0) {
    const flips = await probe(open, () => maxEpsilon);
    open = open.filter((_, i) => flips[i] === 1);
    settle();
  }
  while (open.length > 0) {
    const mids = (r: number): number => (lo[r]! + hi[r]!) / 2;
    const flips = await probe(open, mids);
    open.forEach((r, i) => {
      if (flips[i]) hi[r] = mids(r);
      else lo[r] = mids(r);
    });
    settle();
  }
  return { minEpsilon: result, maxEpsilon, tolerance, rounds, settings };
}
