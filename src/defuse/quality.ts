import type { Model } from '../model/model.js';
import { modelLayoutFor, predictClasses } from './model-input.js';
import type { LabelledImages } from './correct.js';
import type { Vae } from './vae/vae.js';

/** How well a VAE reconstructs held-out images, and what its reconstructions do to the classifier. */
export interface ReconstructionQuality {
  readonly images: number;
  /** Mean squared pixel error of decode(encode(x).mean) against x (pixels in [0, 1]). */
  readonly pixelMse: number;
  readonly accuracyOriginal: number;
  /** The classifier's accuracy on the reconstructions. */
  readonly accuracyReconstructed: number;
  /** The reconstruction classifier's accuracy on the reconstructions (null without one). */
  readonly checkerAccuracy: number | null;
}

function accuracy(predicted: Int32Array, labels: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) ok++;
  return ok / Math.max(1, labels.length);
}

/** Reconstruction quality on labelled images (e.g. the test split). */
export async function reconstructionQuality(model: Model, vae: Vae, data: LabelledImages, signal?: AbortSignal): Promise<ReconstructionQuality> {
  const layout = modelLayoutFor(model, vae.config.imageShape);
  const rec = vae.reconstruct(data.images);
  let se = 0;
  for (let i = 0; i < rec.data.length; i++) se += (rec.data[i]! - data.images.data[i]!) ** 2;
  const original = await predictClasses(model, data.images, layout, signal);
  const reconstructed = await predictClasses(model, rec, layout, signal);
  const checker = vae.checker ? await predictClasses(vae.checker, rec, 'nhwc', signal) : undefined;
  return {
    images: data.labels.length,
    pixelMse: se / Math.max(1, rec.data.length),
    accuracyOriginal: accuracy(original.index, data.labels),
    accuracyReconstructed: accuracy(reconstructed.index, data.labels),
    checkerAccuracy: checker ? accuracy(checker.index, data.labels) : null,
  };
}
