import { throwIfAborted } from '../errors.js';
import type { Trainable } from '../model/capabilities.js';
import type { Model } from '../model/model.js';
import type { Tensor } from '../model/tensor.js';
import { fit } from '../train/fit.js';
import { composeLoss, crossEntropy } from '../train/losses.js';
import type { TrainingData } from '../train/types.js';
import { compressModel } from './compress-model.js';
import type { CompressedModel, CompressionSpec, CompressOptions } from './compress-model.js';

export interface PopulationFineTuneOptions {
  readonly data: TrainingData;
  /** Default 1 epoch. */
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  readonly learningRate?: number;
  /** Model m is fine-tuned with seed + m. */
  readonly seed?: number;
}

export interface CompressPopulationOptions extends CompressOptions {
  /** Pruned models are fine-tuned with their masks (pruned weights stay 0) when given: "prune, then fine-tune". */
  readonly fineTune?: PopulationFineTuneOptions;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The compressed population of Hooker et al. (2019): each base model compressed with the same spec and,
 * for pruning with `fineTune`, fine-tuned with cross-entropy while its masks keep the pruned weights at 0.
 * Quantized models are not fine-tuned (post-training quantization).
 */
export async function compressPopulation<M extends Model & Trainable>(bases: readonly M[], spec: CompressionSpec, options: CompressPopulationOptions = {}): Promise<CompressedModel<M>[]> {
  const out: CompressedModel<M>[] = [];
  for (const [m, base] of bases.entries()) {
    throwIfAborted(options.signal);
    const compressed = await compressModel(base, spec, options);
    if (options.fineTune && compressed.masks) {
      const f = options.fineTune;
      await fit(compressed.model, f.data, composeLoss(crossEntropy()), {
        epochs: f.epochs ?? 1,
        batchSize: f.batchSize ?? 64,
        optimizer: { kind: 'adam', learningRate: f.learningRate ?? 1e-3 },
        seed: (f.seed ?? 0) + m,
        masks: compressed.masks,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    out.push(compressed);
    options.onProgress?.(m + 1, bases.length);
  }
  return out;
}

/** Arg-max class per row of each model, batch by batch. */
export async function populationPredictions(models: readonly Pick<Model, 'predict' | 'outputWidth'>[], x: Tensor, signal?: AbortSignal): Promise<Int32Array[]> {
  const out: Int32Array[] = [];
  const n = x.shape[0] ?? 0;
  for (const model of models) {
    throwIfAborted(signal);
    const p = await model.predict(x, signal ? { signal } : {});
    const k = model.outputWidth;
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
      labels[i] = best;
    }
    out.push(labels);
  }
  return out;
}
