import { throwIfAborted } from '../../errors.js';
import type { Differentiable } from '../../model/capabilities.js';
import { lossGradients } from '../../model/loss-gradients.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import { Rng } from '../../rng.js';
import type { InputBounds } from './bounds.js';
import type { AttackSettings } from './settings.js';
import { fgsmStep, l2Step, linfStep, randomStart } from './steps.js';
import { argmaxOfRows } from '../../math/argmax-rows.js';

export type AttackModel = Model & Differentiable;

export interface PerturbRun {
  readonly model: AttackModel;
  readonly x: Tensor;
  readonly labels: Int32Array;
  readonly bounds: InputBounds;
  readonly settings: AttackSettings;
  /** Per-row radius and step size (float32); default settings.epsilon / settings.stepSize for every row. */
  readonly eps?: Float32Array;
  readonly alpha?: Float32Array;
  readonly signal?: AbortSignal;
  /** Called after each gradient pass with (passes done, passes in all). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The adversarial inputs of FGSM or PGD (L∞ or L2) for every row, with one batched loss-gradient call
 * over all rows per step (the model batches internally). The arithmetic follows torchattacks
 * (steps.ts); the loss is the per-row cross-entropy (gradient of Σ loss, not the batch mean: the sign
 * is the same, and L2 steps normalise the gradient).
 */
export async function perturb(run: PerturbRun): Promise<Float32Array> {
  const { model, x, labels, bounds, settings } = run;
  const n = x.shape[0] ?? 0;
  const d = bounds.lower.length;
  const eps = run.eps ?? new Float32Array(n).fill(settings.epsilon);
  const alpha = run.alpha ?? new Float32Array(n).fill(settings.stepSize);
  const adv = Float32Array.from(x.data);
  const scratch = new Float32Array(d);
  const options = run.signal ? { signal: run.signal } : {};
  if (settings.method === 'fgsm') {
    const { gradient } = await lossGradients(model, x, labels, options);
    fgsmStep(adv, x.data, gradient, eps, bounds, 0, n);
    run.onProgress?.(1, 1);
    return adv;
  }
  if (settings.randomStart) randomStart(adv, x.data, eps, settings.norm, bounds, new Rng(settings.seed), 0, n, scratch);
  const current: Tensor = { data: adv, shape: x.shape };
  for (let step = 0; step < settings.steps; step++) {
    throwIfAborted(run.signal);
    const { gradient } = await lossGradients(model, current, labels, options);
    if (settings.norm === 'linf') linfStep(adv, x.data, gradient, eps, alpha, bounds, 0, n);
    else l2Step(adv, x.data, gradient, eps, alpha, bounds, 0, n, scratch);
    run.onProgress?.(step + 1, settings.steps);
  }
  return adv;
}

/** Arg-max class per row of [n, k] probabilities (first maximum on ties). */
export function argmaxRows(probabilities: Float32Array, k: number): Int32Array {
  return argmaxOfRows(probabilities, probabilities.length / k, k);
}

/** The model's predicted class per row. */
export async function predictClasses(model: Model, x: Tensor, signal?: AbortSignal): Promise<Int32Array> {
  return argmaxRows(await model.predict(x, signal ? { signal } : {}), model.outputWidth);
}
