import { GlassboxError, throwIfAborted } from '../../errors.js';
import { isDifferentiable, isTrainable, type Trainable } from '../../model/capabilities.js';
import type { Model } from '../../model/model.js';
import { rowSize, type Tensor } from '../../model/tensor.js';
import { checkTrainingData } from '../../train/batches.js';
import { fit } from '../../train/fit.js';
import { composeLoss, crossEntropy } from '../../train/losses.js';
import type { Loss, OptimizerSpec, TrainingData, TrainingProgress, TrainingResult } from '../../train/types.js';
import { checkAttackInputs } from '../attacks/attack.js';
import { checkBounds, uniformBounds, type InputBounds } from '../attacks/bounds.js';
import { evaluateRobustness, robustnessChange, type PairedChange, type RobustnessEvaluation } from './evaluate.js';
import { pgdTrainingTransform } from './pgd-transform.js';
import { resolveAdversarialSettings, type AdversarialTrainingOptions, type AdversarialTrainingSettings } from './settings.js';
import { tradesKl, tradesTrainingTransform } from './trades.js';

/** Rows the model is judged on before and after (held out from training). */
export interface HeldOutRows {
  readonly x: Tensor;
  readonly labels: Int32Array;
}

export interface AdversarialTrainingProgress {
  readonly stage: 'evaluate-before' | 'train' | 'evaluate-after';
  readonly done: number;
  readonly total: number;
  /** While training: the training layer's batch or epoch record. */
  readonly training?: TrainingProgress;
}

export interface AdversarialFineTuneOptions extends AdversarialTrainingOptions {
  /** Passes over the training rows (default 3). */
  readonly epochs?: number;
  /** Rows per step before the transform adds any (default 64). */
  readonly batchSize?: number;
  /** Default Adam with learning rate 1e-3. */
  readonly optimizer?: OptimizerSpec;
  /** Seeds the training (shuffling, dropout, the attacks' random starts) and the evaluation attack (default 0). */
  readonly seed?: number;
  /** Valid input range and frozen elements (default [0, 1] for every element, images). */
  readonly bounds?: InputBounds;
  /** PGD iterations of the evaluation attack on the held-out rows (default 20). */
  readonly evaluationSteps?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: AdversarialTrainingProgress) => void;
}

export interface AdversarialTrainingResult {
  /** The fine-tuned copy; the model passed in is left as it was. */
  readonly model: Model & Trainable;
  readonly settings: AdversarialTrainingSettings;
  readonly training: TrainingResult;
  readonly before: RobustnessEvaluation;
  readonly after: RobustnessEvaluation;
  /** after − before on the held-out rows, with Newcombe's paired intervals. */
  readonly change: { readonly accuracy: PairedChange; readonly robustAccuracy: PairedChange };
  readonly seed: number;
}

/** Refuses models that cannot be fine-tuned or attacked, with what to do instead. */
function checkModel(model: Model): asserts model is Model & Trainable {
  if (!isTrainable(model)) {
    throw new GlassboxError('missing_capability', 'adversarial training fine-tunes the model, but this model cannot be trained by glassbox (it is not Trainable).', {
      hint: 'Use a TF.js LayersModel or an ONNX neural network (loadTrainableModel); tree ensembles, HTTP endpoints and JS functions cannot be fine-tuned.',
    });
  }
  if (!isDifferentiable(model)) {
    throw new GlassboxError('missing_capability', 'adversarial training needs input gradients, and this model has none (it is not Differentiable).', { hint: 'Use a TF.js LayersModel or an ONNX neural network.' });
  }
  if (model.task === 'regression') {
    throw new GlassboxError('invalid_argument', 'adversarial training with the cross-entropy needs a classifier; this model is a regression model.', { hint: 'Fine-tune a classification model.' });
  }
}

function lossFor(settings: AdversarialTrainingSettings): Loss {
  return settings.method === 'trades' ? composeLoss(crossEntropy(), [{ term: tradesKl(), lambda: settings.beta! }]) : composeLoss(crossEntropy());
}

/**
 * Adversarial fine-tuning of a trained classifier, judged on held-out rows:
 * - `pgd`: PGD adversarial training (Madry et al. 2018, "Towards deep learning models resistant to
 *   adversarial attacks"), min_θ E max_{‖δ‖≤ε} CE(f(x + δ), y), optionally mixed with clean rows;
 * - `trades`: TRADES (Zhang et al. 2019), CE(f(x), y) + β·KL(f(x) ‖ f(x′)) with x′ maximising the KL.
 * A copy of the model is trained through src/train's `fit` with a batch transform that crafts the
 * examples under the weights being trained (TF.js and ONNX alike). Before and after, clean and
 * PGD-20 robust accuracy at the same ε are measured on the held-out rows (Wilson intervals), and their
 * change with Newcombe's paired interval. Everything is checked before the first gradient pass; the
 * same seed gives the same weights.
 */
export async function adversarialTraining(model: Model, data: TrainingData, heldOut: HeldOutRows, options: AdversarialFineTuneOptions): Promise<AdversarialTrainingResult> {
  const settings = resolveAdversarialSettings(options);
  const evaluationSteps = options.evaluationSteps ?? 20;
  if (!(Number.isInteger(evaluationSteps) && evaluationSteps >= 1)) {
    throw new GlassboxError('invalid_argument', `adversarial training: evaluationSteps must be a positive integer (got ${evaluationSteps}).`, { argument: 'evaluationSteps', hint: 'e.g. 20 (PGD-20).' });
  }
  checkModel(model);
  checkTrainingData(data, model.task, model.outputWidth);
  checkAttackInputs(model, heldOut.x, heldOut.labels);
  const d = rowSize(data.x.shape);
  if (rowSize(heldOut.x.shape) !== d) {
    throw new GlassboxError('shape_mismatch', `adversarial training: held-out rows have ${rowSize(heldOut.x.shape)} values each, training rows ${d}.`, { argument: 'heldOut', hint: 'Both must be in the model input layout.' });
  }
  const bounds = options.bounds ?? uniformBounds(d, 0, 1);
  checkBounds(bounds, data.x.data, d);
  checkBounds(bounds, heldOut.x.data, d);
  const seed = options.seed ?? 0;
  const report = options.onProgress;
  const evaluation = (stage: 'evaluate-before' | 'evaluate-after') => ({
    epsilon: settings.epsilon,
    norm: settings.norm,
    steps: evaluationSteps,
    seed,
    bounds,
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (done: number, total: number) => report?.({ stage, done, total }),
  });

  const before = await evaluateRobustness(model, heldOut.x, heldOut.labels, evaluation('evaluate-before'));
  throwIfAborted(options.signal);
  const tuned = await model.clone();
  try {
    const inner = { ...settings, epsilon: settings.trainingEpsilon };
    const transform = settings.method === 'trades' ? tradesTrainingTransform(inner, bounds) : pgdTrainingTransform(inner, bounds, settings.cleanWeight);
    const epochs = options.epochs ?? 3;
    const training = await fit(tuned, data, lossFor(settings), {
      epochs,
      batchSize: options.batchSize ?? 64,
      optimizer: options.optimizer ?? { kind: 'adam', learningRate: 1e-3 },
      seed,
      transform,
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => report?.({ stage: 'train', done: (p.epoch - 1) * p.batches + p.batch, total: p.epochs * p.batches, training: p }),
    });
    const after = await evaluateRobustness(tuned, heldOut.x, heldOut.labels, evaluation('evaluate-after'));
    return { model: tuned, settings, training, before, after, change: robustnessChange(before, after), seed };
  } catch (error) {
    await tuned.dispose?.();
    throw error;
  }
}
