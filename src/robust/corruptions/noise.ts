import type { CorruptionContext, ImagePlanes } from './types.js';
import { poisson } from '../../math/poisson.js';

/**
 * The noise corruptions of ImageNet-C (Hendrycks & Dietterich 2019), per value (every channel draws
 * its own noise, as numpy does on an H×W×C array).
 */

/**
 * `clip(x + σ·z, 0, 1)` computed in float64 and stored as float32, for given standard-normal draws z:
 * the reference's formula (and corruptions.json's), separated from the draws so it can be checked on
 * the reference's own z.
 */
export function gaussianNoiseWith(x: ArrayLike<number>, z: ArrayLike<number>, sigma: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! + sigma * z[i]!;
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}

/** gaussian_noise: z ~ N(0, 1) from this image's stream, then {@link gaussianNoiseWith}. */
export function gaussianNoise(image: ImagePlanes, { rng, params }: CorruptionContext): Float32Array {
  const z = new Float64Array(image.data.length);
  for (let i = 0; i < z.length; i++) z[i] = rng.normal();
  return gaussianNoiseWith(image.data, z, params.sigma as number);
}

/** shot_noise: Poisson photon counts at `rate` photons per unit intensity, `clip(Poisson(x·rate)/rate)`. */
export function shotNoise(image: ImagePlanes, { rng, params }: CorruptionContext): Float32Array {
  const rate = params.rate as number;
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(1, poisson(image.data[i]! * rate, rng) / rate);
  return out;
}

/** impulse_noise: skimage's salt-and-pepper: each value is replaced with probability `amount`, by 1 or 0 with even odds. */
export function impulseNoise(image: ImagePlanes, { rng, params }: CorruptionContext): Float32Array {
  const amount = params.amount as number;
  const out = Float32Array.from(image.data);
  for (let i = 0; i < out.length; i++) {
    if (rng.next() < amount) out[i] = rng.next() < 0.5 ? 1 : 0;
  }
  return out;
}
