import type { Rng } from '../../rng.js';
import type { CorruptionParams, Regime } from './params.js';

/** The 15 ImageNet-C corruptions (Hendrycks & Dietterich 2019), in the paper's order. */
export const CORRUPTION_NAMES = [
  'gaussian_noise',
  'shot_noise',
  'impulse_noise',
  'defocus_blur',
  'glass_blur',
  'motion_blur',
  'zoom_blur',
  'snow',
  'frost',
  'fog',
  'brightness',
  'contrast',
  'elastic_transform',
  'pixelate',
  'jpeg_compression',
] as const;

export type CorruptionName = (typeof CORRUPTION_NAMES)[number];

export type Severity = 1 | 2 | 3 | 4 | 5;

/** The paper's grouping of the 15 corruptions. */
export const CORRUPTION_FAMILIES: Readonly<Record<CorruptionName, 'noise' | 'blur' | 'weather' | 'digital'>> = {
  gaussian_noise: 'noise',
  shot_noise: 'noise',
  impulse_noise: 'noise',
  defocus_blur: 'blur',
  glass_blur: 'blur',
  motion_blur: 'blur',
  zoom_blur: 'blur',
  snow: 'weather',
  frost: 'weather',
  fog: 'weather',
  brightness: 'digital',
  contrast: 'digital',
  elastic_transform: 'digital',
  pixelate: 'digital',
  jpeg_compression: 'digital',
};

/**
 * One image as planes: `data[(ch * h + y) * w + x]`, values in [0, 1]. Corruptions read `data` and
 * return a new array of the same size; `rng` is this image's own stream (see corrupt.ts).
 */
export interface ImagePlanes {
  readonly data: Float32Array;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export interface CorruptionContext {
  readonly rng: Rng;
  /** The run's seed (frost builds its texture bank from it once, not per image). */
  readonly seed: number;
  readonly regime: Regime;
  /** This severity's row of the regime's table, with pixel lengths already scaled to the image. */
  readonly params: CorruptionParams;
}

/** A synchronous corruption of one image (every one but JPEG, which goes through sharp). */
export type CorruptionFn = (image: ImagePlanes, context: CorruptionContext) => Float32Array;
