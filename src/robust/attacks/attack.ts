import { GlassboxError } from '../../errors.js';
import { isDifferentiable } from '../../model/capabilities.js';
import type { Model } from '../../model/model.js';
import { rowSize, type Tensor } from '../../model/tensor.js';
import { checkBounds, uniformBounds, type InputBounds } from './bounds.js';
import { perturb, predictClasses, type AttackModel } from './perturb.js';
import { resolveAttackSettings, type AttackOptions, type AttackSettings } from './settings.js';

export interface AttackContext {
  /** Valid input range and frozen elements; default [0, 1] for every element (images). */
  readonly bounds?: InputBounds;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** One attack's outcome; `adversarial` has the input's shape (float32). */
export interface AttackResult {
  readonly adversarial: Float32Array;
  readonly shape: readonly number[];
  readonly labels: Int32Array;
  readonly predictionsBefore: Int32Array;
  readonly predictionsAfter: Int32Array;
  readonly accuracyBefore: number;
  readonly accuracyAfter: number;
  /** Rows whose prediction was right before and wrong after. */
  readonly flipped: number;
  /** max over rows of the perturbation's norm (L∞ or L2, as attacked). */
  readonly maxPerturbation: number;
  readonly settings: AttackSettings;
}

/** Rejects models without gradients and inputs or labels that do not fit, before any gradient pass. */
export function checkAttackInputs(model: Model, x: Tensor, labels: Int32Array): asserts model is AttackModel {
  if (!isDifferentiable(model)) {
    throw new GlassboxError('missing_capability', 'Gradient attacks (FGSM, PGD) need a differentiable model: ONNX through the gradient engine or TF.js.', { hint: 'Tree ensembles and HTTP models have no input gradients.' });
  }
  if (model.task === 'regression') {
    throw new GlassboxError('invalid_argument', 'Attacks with the cross-entropy loss need a classifier; this model is a regression model.', { hint: 'Attack a classification model.' });
  }
  const n = x.shape[0] ?? 0;
  if (labels.length !== n) throw new GlassboxError('shape_mismatch', `${labels.length} labels for ${n} rows.`, { argument: 'labels', hint: 'Give one class index per row.' });
  labels.forEach((y, i) => {
    if (!(y >= 0 && y < model.outputWidth)) throw new GlassboxError('invalid_argument', `label ${y} of row ${i} is not a class index in [0, ${model.outputWidth - 1}].`, { argument: 'labels', row: i, hint: 'Labels are output-column (class) indices.' });
  });
}

function accuracy(pred: Int32Array, labels: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) hits++;
  return pred.length > 0 ? hits / pred.length : Number.NaN;
}

/** Largest per-row perturbation norm (L∞ or L2) of adv − x. */
export function maxPerturbationNorm(adv: Float32Array, x: Float32Array, d: number, norm: 'linf' | 'l2'): number {
  let worst = 0;
  for (let o = 0; o < x.length; o += d) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = Math.abs(adv[o + j]! - x[o + j]!);
      s = norm === 'linf' ? Math.max(s, v) : s + v * v;
    }
    worst = Math.max(worst, norm === 'linf' ? s : Math.sqrt(s));
  }
  return worst;
}

/**
 * Untargeted FGSM (Goodfellow et al. 2015, "Explaining and harnessing adversarial examples") or PGD
 * (Madry et al. 2018, "Towards deep learning models resistant to adversarial attacks"), L∞ or L2, on
 * the cross-entropy of the model's logits with the true labels, as torchattacks computes them.
 */
export async function runAttack(model: Model, x: Tensor, labels: Int32Array, options: AttackOptions, context: AttackContext = {}): Promise<AttackResult> {
  const settings = resolveAttackSettings(options);
  checkAttackInputs(model, x, labels);
  const d = rowSize(x.shape);
  const bounds = context.bounds ?? uniformBounds(d, 0, 1);
  checkBounds(bounds, x.data, d);
  const predictionsBefore = await predictClasses(model, x, context.signal);
  const adversarial = await perturb({ model, x, labels, bounds, settings, ...(context.signal ? { signal: context.signal } : {}), ...(context.onProgress ? { onProgress: context.onProgress } : {}) });
  const predictionsAfter = await predictClasses(model, { data: adversarial, shape: x.shape }, context.signal);
  let flipped = 0;
  for (let i = 0; i < labels.length; i++) if (predictionsBefore[i] === labels[i] && predictionsAfter[i] !== labels[i]) flipped++;
  return {
    adversarial,
    shape: [...x.shape],
    labels,
    predictionsBefore,
    predictionsAfter,
    accuracyBefore: accuracy(predictionsBefore, labels),
    accuracyAfter: accuracy(predictionsAfter, labels),
    flipped,
    maxPerturbation: maxPerturbationNorm(adversarial, x.data, d, settings.norm),
    settings,
  };
}
