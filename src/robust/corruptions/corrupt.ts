import { GlassboxError, throwIfAborted } from '../../errors.js';
import { imageLayout, type ImageLayout } from '../../model/image-layout.js';
import type { Tensor } from '../../model/tensor.js';
import { Rng } from '../../rng.js';
import { defocusBlur, glassBlur, motionBlur, zoomBlur } from './blur.js';
import { brightness, contrast, pixelate } from './digital.js';
import { elasticTransform } from './elastic.js';
import { jpegCompress } from './jpeg.js';
import { gaussianNoise, impulseNoise, shotNoise } from './noise.js';
import { autoRegime, corruptionParams, REGIMES, type Regime } from './params.js';
import { CORRUPTION_NAMES, type CorruptionFn, type CorruptionName, type ImagePlanes, type Severity } from './types.js';
import { fog, frost, snow } from './weather.js';

const FUNCTIONS: Readonly<Record<Exclude<CorruptionName, 'jpeg_compression'>, CorruptionFn>> = {
  gaussian_noise: gaussianNoise,
  shot_noise: shotNoise,
  impulse_noise: impulseNoise,
  defocus_blur: defocusBlur,
  glass_blur: glassBlur,
  motion_blur: motionBlur,
  zoom_blur: zoomBlur,
  snow,
  frost,
  fog,
  brightness,
  contrast,
  elastic_transform: elasticTransform,
  pixelate,
};

export interface CorruptOptions {
  readonly seed?: number;
  /** 'nchw' or 'nhwc'; judged from the shape (image-layout.ts) when omitted. Rank-3 [n, H, W] is grey. */
  readonly layout?: ImageLayout;
  /** Which parameter table (params.ts); 'auto' (default) picks it from the image size and channels. */
  readonly regime?: Regime | 'auto';
  readonly signal?: AbortSignal;
  /** The index of x's first image in the whole set (default 0): chunks corrupted apart match the whole. */
  readonly firstIndex?: number;
}

/** The geometry of a batch of images. */
export interface ImageGeometry {
  readonly n: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly layout: ImageLayout;
}

/** Reads [n, C, H, W], [n, H, W, C] or [n, H, W]; refuses other ranks and values outside [0, 1]. */
export function imageGeometry(x: Tensor, layout?: ImageLayout): ImageGeometry {
  const s = x.shape;
  if (s.length === 3) return { n: s[0]!, channels: 1, height: s[1]!, width: s[2]!, layout: 'nchw' };
  if (s.length !== 4) throw new GlassboxError('shape_mismatch', `Corruptions need images: a tensor [n, C, H, W], [n, H, W, C] or [n, H, W]; got [${s.join(', ')}].`, { argument: 'x', hint: 'Pass image data (a folder of images or a .npy of rank 3 or 4).' });
  const l = layout ?? imageLayout(s);
  return l === 'nhwc' ? { n: s[0]!, channels: s[3]!, height: s[1]!, width: s[2]!, layout: l } : { n: s[0]!, channels: s[1]!, height: s[2]!, width: s[3]!, layout: l };
}

/** Throws when a value is outside [0, 1] (or NaN), naming the first such row. */
export function checkUnitRange(x: Tensor, what = 'the images'): void {
  const size = x.data.length / Math.max(1, x.shape[0] ?? 1);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new GlassboxError('invalid_input', `${what}: row ${Math.floor(i / size)} holds ${v}; corruptions are defined on pixel values in [0, 1].`, { row: Math.floor(i / size), hint: 'Scale the images to [0, 1] (divide 8-bit values by 255); a model that normalises should do so inside its graph.' });
    }
  }
}

/** A 32-bit seed for one image of one setting, so each image's corruption is independent of batching. */
export function imageSeed(seed: number, corruption: number, severity: number, index: number): number {
  let h = Math.trunc(seed) >>> 0;
  for (const v of [corruption + 1, severity, index]) {
    h = Math.imul(h ^ (v >>> 0), 0x9e3779b1) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  return h;
}

/** Picks a table for the geometry, or checks the one asked for. */
export function resolveRegime(regime: Regime | 'auto' | undefined, g: Pick<ImageGeometry, 'channels' | 'height' | 'width'>): Regime {
  if (regime === undefined || regime === 'auto') return autoRegime(g.channels, g.height, g.width);
  if (!REGIMES.includes(regime)) throw new GlassboxError('invalid_argument', `Unknown parameter table "${String(regime)}".`, { argument: '--preset', hint: `Choose auto or one of: ${REGIMES.join(', ')}.` });
  return regime;
}

/**
 * Corrupts a batch of images with one ImageNet-C corruption at one severity (Hendrycks & Dietterich
 * 2019, "Benchmarking Neural Network Robustness to Common Corruptions and Perturbations"). Values must
 * lie in [0, 1]; the result has the input's shape and layout. Image i draws from its own stream seeded
 * by (seed, corruption, severity, i), so the same seed gives the same bytes whatever the batch size.
 */
export async function corruptImages(x: Tensor, name: CorruptionName, severity: Severity, options: CorruptOptions = {}): Promise<Tensor> {
  const index = CORRUPTION_NAMES.indexOf(name);
  if (index < 0) throw new GlassboxError('invalid_argument', `Unknown corruption "${name}".`, { argument: '--corruptions', hint: `Choose from: ${CORRUPTION_NAMES.join(', ')}.` });
  const g = imageGeometry(x, options.layout);
  const regime = resolveRegime(options.regime, g);
  const params = corruptionParams(name, severity, regime, g.height, g.width);
  const seed = options.seed ?? 0;
  const out = new Float32Array(x.data.length);
  if (name === 'jpeg_compression') {
    for (let start = 0; start < g.n; start += 1024) {
      throwIfAborted(options.signal);
      const end = Math.min(g.n, start + 1024);
      const images = Array.from({ length: end - start }, (_, k) => toPlanes(x.data, start + k, g));
      const done = await jpegCompress(images, params.quality as number);
      done.forEach((planes, k) => fromPlanes(planes, out, start + k, g));
    }
    return { data: out, shape: [...x.shape] };
  }
  const fn = FUNCTIONS[name];
  for (let i = 0; i < g.n; i++) {
    if (i % 256 === 0) throwIfAborted(options.signal);
    const image = toPlanes(x.data, i, g);
    const result = fn(image, { rng: new Rng(imageSeed(seed, index, severity, (options.firstIndex ?? 0) + i)), seed, regime, params });
    fromPlanes(result, out, i, g);
  }
  return { data: out, shape: [...x.shape] };
}

/** Image i as planes [C, H, W] (a view when the layout is channels-first). */
export function toPlanes(data: Float32Array, i: number, g: ImageGeometry): ImagePlanes {
  const size = g.channels * g.height * g.width;
  const source = data.subarray(i * size, (i + 1) * size);
  if (g.layout === 'nchw' || g.channels === 1) return { data: source, channels: g.channels, height: g.height, width: g.width };
  const planes = new Float32Array(size);
  const hw = g.height * g.width;
  for (let p = 0; p < hw; p++) for (let c = 0; c < g.channels; c++) planes[c * hw + p] = source[p * g.channels + c]!;
  return { data: planes, channels: g.channels, height: g.height, width: g.width };
}

function fromPlanes(planes: Float32Array, out: Float32Array, i: number, g: ImageGeometry): void {
  const size = g.channels * g.height * g.width;
  if (g.layout === 'nchw' || g.channels === 1) {
    out.set(planes, i * size);
    return;
  }
  const hw = g.height * g.width;
  const base = i * size;
  for (let p = 0; p < hw; p++) for (let c = 0; c < g.channels; c++) out[base + p * g.channels + c] = planes[c * hw + p]!;
}
