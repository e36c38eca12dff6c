import { tf } from '../../model/tfjs/backend.js';
import { reinitializeWeights } from '../../model/tfjs/init.js';
import { GlassboxError } from '../../errors.js';

/** The shape of a convolutional VAE: images [height, width, channels] with height and width divisible by 4. */
export interface VaeConfig {
  readonly imageShape: readonly [number, number, number];
  /** Latent dimension (default 10). */
  readonly latentDim: number;
  /** Filters of the two stride-2 convolutions (default [16, 32]); the decoder mirrors them. */
  readonly filters: readonly [number, number];
}

export const DEFAULT_VAE_CONFIG = Object.freeze({ latentDim: 10, filters: Object.freeze([16, 32]) as readonly [number, number] });

/** Checks a config before any tensor is built. */
export function checkVaeConfig(config: VaeConfig): void {
  const [h, w, c] = config.imageShape;
  if (!(Number.isInteger(h) && Number.isInteger(w) && Number.isInteger(c) && h >= 4 && w >= 4 && h % 4 === 0 && w % 4 === 0 && c >= 1)) {
    throw new GlassboxError('shape_mismatch', `VAE: images must be [height, width, channels] with height and width divisible by 4 (got [${config.imageShape.join(', ')}])`, { argument: 'imageShape', hint: 'Resize the images, e.g. to 28×28 or 32×32.' });
  }
  if (!(Number.isInteger(config.latentDim) && config.latentDim >= 1 && config.latentDim <= 256)) {
    throw new GlassboxError('invalid_argument', `VAE: latentDim must be an integer in [1, 256] (got ${config.latentDim})`, { argument: 'latentDim', hint: 'Use 8–16 for small images.' });
  }
  if (!config.filters.every((f) => Number.isInteger(f) && f >= 1)) {
    throw new GlassboxError('invalid_argument', `VAE: filters must be positive integers (got ${config.filters.join(', ')})`, { argument: 'filters', hint: 'Use e.g. [16, 32].' });
  }
}

/**
 * Encoder: conv 3×3 stride 2 (ReLU) → conv 3×3 stride 2 (ReLU) → flatten → dense 2·latent, the first
 * half the posterior mean μ, the second log σ² (Kingma & Welling, 2014, with a convolutional encoder).
 */
export function buildEncoder(config: VaeConfig, seed: number): tf.LayersModel {
  const [f1, f2] = config.filters;
  const m = tf.sequential({ name: 'vae_encoder' });
  m.add(tf.layers.conv2d({ inputShape: [...config.imageShape], filters: f1, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'enc_conv1' }));
  m.add(tf.layers.conv2d({ filters: f2, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'enc_conv2' }));
  m.add(tf.layers.flatten({ name: 'enc_flatten' }));
  m.add(tf.layers.dense({ units: 2 * config.latentDim, name: 'enc_posterior' }));
  reinitializeWeights(m, seed);
  return m;
}

/**
 * Decoder, the encoder mirrored: dense → [h/4, w/4, f2] (ReLU) → transposed conv 3×3 stride 2 (ReLU)
 * → transposed conv 3×3 stride 2 to the image's channels, as logits (the pixel means are their sigmoid).
 */
export function buildDecoder(config: VaeConfig, seed: number): tf.LayersModel {
  const [h, w, c] = config.imageShape;
  const [f1, f2] = config.filters;
  const m = tf.sequential({ name: 'vae_decoder' });
  m.add(tf.layers.dense({ inputShape: [config.latentDim], units: (h / 4) * (w / 4) * f2, activation: 'relu', name: 'dec_dense' }));
  m.add(tf.layers.reshape({ targetShape: [h / 4, w / 4, f2], name: 'dec_reshape' }));
  m.add(tf.layers.conv2dTranspose({ filters: f1, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'dec_deconv1' }));
  m.add(tf.layers.conv2dTranspose({ filters: c, kernelSize: 3, strides: 2, padding: 'same', name: 'dec_logits' }));
  reinitializeWeights(m, seed + 1);
  return m;
}

/**
 * The reconstruction classifier stored with the VAE (the independent check of identification):
 * conv 3×3×8 (same) → max-pool → conv 3×3×16 (same) → max-pool → flatten → dense 64 → dense k → softmax.
 */
export function buildChecker(imageShape: readonly [number, number, number], classes: number, seed: number): tf.LayersModel {
  const m = tf.sequential({ name: 'vae_checker' });
  m.add(tf.layers.conv2d({ inputShape: [...imageShape], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'chk_conv1' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'chk_pool1' }));
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'chk_conv2' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'chk_pool2' }));
  m.add(tf.layers.flatten({ name: 'chk_flatten' }));
  m.add(tf.layers.dense({ units: 64, activation: 'relu', name: 'chk_dense' }));
  m.add(tf.layers.dense({ units: classes, name: 'chk_logits' }));
  m.add(tf.layers.activation({ activation: 'softmax', name: 'chk_probs' }));
  reinitializeWeights(m, seed + 2);
  return m;
}
