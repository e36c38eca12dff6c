import { GlassboxError } from '../errors.js';
import type { Trainable } from '../model/capabilities.js';
import type { Model } from '../model/model.js';
import type { Tensor } from '../model/tensor.js';
import { fit } from '../train/fit.js';
import { composeLoss, crossEntropy } from '../train/losses.js';
import type { LossTerm, TrainingOptions, TrainingProgress, TrainingResult } from '../train/types.js';

/** Labelled rows with their groups, as the fairness fine-tuning methods take them. */
export interface GroupedRows {
  readonly x: Tensor;
  /** Binary labels, 1 = the positive (last) class. */
  readonly y: Uint8Array;
  /** Group id per row (−1 = no group). */
  readonly groups: Int32Array;
}

/** Fine-tuning settings shared by MinDiff, rate constraints and reweighing. */
export interface FineTuneOptions {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  /** Per-row sample weights of the task loss and the penalties (reweighing). */
  readonly sampleWeights?: Float32Array;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TrainingProgress) => void;
}

/** What a method may add to `fit`'s options: a batch transform, validation rows, a monitor, early stopping. */
export type FitExtras = Pick<TrainingOptions, 'transform' | 'validation' | 'monitor' | 'earlyStopping'>;

/** Defaults of the fairness fine-tuning: Adam 2e-3, batches of 256 (so each holds several rows of every group), 20 epochs. */
export const FINE_TUNE_DEFAULTS = Object.freeze({ epochs: 20, batchSize: 256, learningRate: 2e-3 });

/** The metadata column the fairness penalties read the group ids from. */
export const GROUP_KEY = 'group';

/**
 * Clones `model` and fine-tunes the clone on `rows` with cross-entropy + Σ λ·penalty (src/train `fit`,
 * seeded Adam); the original is not changed. The penalties read the group ids from the metadata column
 * {@link GROUP_KEY}.
 */
export async function fineTuneClone(model: Model & Trainable, rows: GroupedRows, penalties: readonly { readonly term: LossTerm; readonly lambda: number }[], options: FineTuneOptions = {}, extras: FitExtras = {}): Promise<{ model: Model & Trainable; training: TrainingResult }> {
  const n = rows.y.length;
  if (rows.groups.length !== n || rows.x.shape[0] !== n || (options.sampleWeights && options.sampleWeights.length !== n)) {
    throw new GlassboxError('shape_mismatch', `fineTuneClone: ${rows.x.shape[0]} input rows, ${n} labels, ${rows.groups.length} group ids${options.sampleWeights ? `, ${options.sampleWeights.length} weights` : ''}.`, { argument: 'rows', hint: 'Pass arrays aligned row by row.' });
  }
  const clone = await model.clone();
  try {
    const training = await fit(clone, { x: rows.x, y: Float32Array.from(rows.y), meta: { [GROUP_KEY]: rows.groups }, ...(options.sampleWeights ? { sampleWeights: options.sampleWeights } : {}) }, composeLoss(crossEntropy(), penalties), {
      epochs: options.epochs ?? FINE_TUNE_DEFAULTS.epochs,
      batchSize: options.batchSize ?? FINE_TUNE_DEFAULTS.batchSize,
      optimizer: { kind: 'adam', learningRate: options.learningRate ?? FINE_TUNE_DEFAULTS.learningRate },
      seed: options.seed ?? 0,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...extras,
    });
    return { model: clone, training };
  } catch (error) {
    await clone.dispose?.();
    throw error;
  }
}

/** The positive-class score of every row (the last output column), in one batched call. */
export async function positiveScores(model: Model, x: Tensor, signal?: AbortSignal): Promise<Float64Array> {
  const out = await model.predict(x, signal ? { signal } : {});
  const w = model.outputWidth;
  const n = x.shape[0]!;
  return Float64Array.from({ length: n }, (_, i) => out[i * w + w - 1]!);
}

/** Decisions score ≥ threshold. */
export function decide(scores: Float64Array, threshold: number): Uint8Array {
  return Uint8Array.from(scores, (s) => (s >= threshold ? 1 : 0));
}
