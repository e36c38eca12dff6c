import type { Task } from '../../model/model.js';

/**
 * When a prediction "changed" (CheckList's `Expect.inv(tolerance)`, Ribeiro et al. 2020):
 * - classification: the predicted class flips (binary: P(positive) crosses 0.5; multiclass: the
 *   arg-max changes) **and** the probability of the originally predicted class moves by more than
 *   `tolerance` (0 by default: every flip counts);
 * - regression: the predicted value moves by more than `tolerance` (a stated absolute amount).
 */
export interface ChangeRule {
  readonly task: Task;
  readonly width: number;
  readonly tolerance: number;
}

/** The decided class of one output row (binary: positive when P(positive) ≥ 0.5; else arg-max). */
export function decide(outputs: Float32Array, row: number, width: number, task: Task): number {
  const base = row * width;
  if (task === 'regression') return 0;
  if (task === 'binary') return outputs[base + width - 1]! >= 0.5 ? width - 1 : 0;
  let best = 0;
  for (let k = 1; k < width; k++) if (outputs[base + k]! > outputs[base + best]!) best = k;
  return best;
}

/**
 * Compares output row `a` of `before` with row `b` of `after`. `change` is |Δ P(class predicted before)|
 * (classification) or |Δ value| (regression); `violated` applies the rule above.
 */
export function predictionChange(before: Float32Array, a: number, after: Float32Array, b: number, rule: ChangeRule): { violated: boolean; change: number } {
  const w = rule.width;
  if (rule.task === 'regression') {
    const change = Math.abs(after[b * w]! - before[a * w]!);
    return { violated: change > rule.tolerance, change };
  }
  const cls = decide(before, a, w, rule.task);
  const change = Math.abs(after[b * w + cls]! - before[a * w + cls]!);
  const flipped = decide(after, b, w, rule.task) !== cls;
  return { violated: flipped && change > rule.tolerance, change };
}

/**
 * The default regression tolerance: 5% of the standard deviation of the model's predictions on the
 * audited rows (so "changed" is judged on the model's own scale). 0 when the predictions are constant.
 */
export function defaultRegressionTolerance(outputs: Float32Array, width: number): number {
  const n = outputs.length / width;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += outputs[i * width]! / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (outputs[i * width]! - mean) ** 2;
  return 0.05 * Math.sqrt(ss / (n - 1));
}
