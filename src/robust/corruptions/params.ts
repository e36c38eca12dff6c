import { GlassboxError } from '../../errors.js';
import type { CorruptionName, Severity } from './types.js';

/**
 * Which published parameter table a corruption uses. The tables are those of the reference code:
 * `imagenet` — ImageNet-C (hendrycks/robustness imagenet_c/corruptions.py, 224 px);
 * `tiny` — Tiny-ImageNet-C (make_tinyimagenet_c.py, 64 px);
 * `cifar` — CIFAR-10-C (make_cifar_c.py, 32 px);
 * `mnist` — MNIST-C (google-research/mnist-c corruptions.py, 28 px grey): ImageNet-C's values on
 * 28×28 images, with the elastic table scaled to 28 px, a coin flip per glass-blur swap, zero
 * (constant) borders for the elastic warp, and frost and fog cut from full-size textures.
 */
export type Regime = 'imagenet' | 'tiny' | 'cifar' | 'mnist';
export const REGIMES: readonly Regime[] = ['imagenet', 'tiny', 'cifar', 'mnist'];

/** The side length each table was written for. Pixel lengths scale by min(H, W) / this side. */
export const REFERENCE_SIDE: Readonly<Record<Regime, number>> = { imagenet: 224, tiny: 64, cifar: 32, mnist: 28 };

/**
 * The table for an image: grey (1 channel) images up to 32 px use MNIST-C's convention, colour ones up
 * to 32 px CIFAR-10-C's, up to 96 px Tiny-ImageNet-C's, larger ones ImageNet-C's.
 */
export function autoRegime(channels: number, height: number, width: number): Regime {
  const side = Math.min(height, width);
  if (side <= 32) return channels === 1 ? 'mnist' : 'cifar';
  return side <= 96 ? 'tiny' : 'imagenet';
}

export interface CorruptionParams {
  readonly [key: string]: number | readonly number[];
}

type Table = Readonly<Record<CorruptionName, readonly CorruptionParams[]>>;

const range = (start: number, stop: number, step: number): number[] => {
  // numpy.arange(start, stop, step) with the same element count rule
  const n = Math.ceil((stop - start) / step - 1e-12);
  return Array.from({ length: n }, (_, i) => Math.round((start + i * step) * 1e10) / 1e10);
};

/** ImageNet-C (224 px); MNIST-C uses the same values on 28 px images. */
const IMAGENET: Table = {
  gaussian_noise: [0.08, 0.12, 0.18, 0.26, 0.38].map((sigma) => ({ sigma })),
  shot_noise: [60, 25, 12, 5, 3].map((rate) => ({ rate })),
  impulse_noise: [0.03, 0.06, 0.09, 0.17, 0.27].map((amount) => ({ amount })),
  defocus_blur: [[3, 0.1], [4, 0.5], [6, 0.5], [8, 0.5], [10, 0.5]].map(([radius, aliasBlur]) => ({ radius: radius!, aliasBlur: aliasBlur! })),
  glass_blur: [[0.7, 1, 2], [0.9, 2, 1], [1, 2, 3], [1.1, 3, 2], [1.5, 4, 2]].map(([sigma, delta, iterations]) => ({ sigma: sigma!, delta: delta!, iterations: iterations! })),
  motion_blur: [[10, 3], [15, 5], [15, 8], [15, 12], [20, 15]].map(([radius, sigma]) => ({ radius: radius!, sigma: sigma! })),
  zoom_blur: [range(1, 1.11, 0.01), range(1, 1.16, 0.01), range(1, 1.21, 0.02), range(1, 1.26, 0.02), range(1, 1.31, 0.03)].map((zooms) => ({ zooms })),
  snow: [
    [0.1, 0.3, 3, 0.5, 10, 4, 0.8],
    [0.2, 0.3, 2, 0.5, 12, 4, 0.7],
    [0.55, 0.3, 4, 0.9, 12, 8, 0.7],
    [0.55, 0.3, 4.5, 0.85, 12, 8, 0.65],
    [0.55, 0.3, 2.5, 0.85, 12, 12, 0.55],
  ].map(snowRow),
  frost: [[1, 0.4], [0.8, 0.6], [0.7, 0.7], [0.65, 0.7], [0.6, 0.75]].map(([image, texture]) => ({ image: image!, texture: texture! })),
  fog: [[1.5, 2], [2, 2], [2.5, 1.7], [2.5, 1.5], [3, 1.4]].map(([strength, decay]) => ({ strength: strength!, decay: decay! })),
  brightness: [0.1, 0.2, 0.3, 0.4, 0.5].map((shift) => ({ shift })),
  contrast: [0.4, 0.3, 0.2, 0.1, 0.05].map((factor) => ({ factor })),
  // multiples of the side: the reference writes 244·k ("244 should have been 224"), so k·244/224 of 224 px
  elastic_transform: [[2, 0.7, 0.1], [2, 0.08, 0.2], [0.05, 0.01, 0.02], [0.07, 0.01, 0.02], [0.12, 0.01, 0.02]].map(([alpha, sigma, affine]) => elasticRow(alpha!, sigma!, affine!, 244 / 224)),
  pixelate: [0.6, 0.5, 0.4, 0.3, 0.25].map((factor) => ({ factor })),
  jpeg_compression: [25, 18, 15, 10, 7].map((quality) => ({ quality })),
};

/** Tiny-ImageNet-C (64 px). */
const TINY: Table = {
  gaussian_noise: [0.04, 0.08, 0.12, 0.15, 0.18].map((sigma) => ({ sigma })),
  shot_noise: [250, 100, 50, 30, 15].map((rate) => ({ rate })),
  impulse_noise: [0.01, 0.02, 0.05, 0.08, 0.14].map((amount) => ({ amount })),
  defocus_blur: [[0.5, 0.6], [1, 0.1], [1.5, 0.1], [2.5, 0.01], [3, 0.1]].map(([radius, aliasBlur]) => ({ radius: radius!, aliasBlur: aliasBlur! })),
  glass_blur: [[0.1, 1, 1], [0.5, 1, 1], [0.6, 1, 2], [0.7, 2, 1], [0.9, 2, 2]].map(([sigma, delta, iterations]) => ({ sigma: sigma!, delta: delta!, iterations: iterations! })),
  motion_blur: [[10, 1], [10, 1.5], [10, 2], [10, 2.5], [12, 3]].map(([radius, sigma]) => ({ radius: radius!, sigma: sigma! })),
  zoom_blur: [range(1, 1.06, 0.01), range(1, 1.11, 0.01), range(1, 1.16, 0.01), range(1, 1.21, 0.01), range(1, 1.26, 0.01)].map((zooms) => ({ zooms })),
  snow: [
    [0.1, 0.2, 1, 0.6, 8, 3, 0.8],
    [0.1, 0.2, 1, 0.5, 10, 4, 0.8],
    [0.15, 0.3, 1.75, 0.55, 10, 4, 0.7],
    [0.25, 0.3, 2.25, 0.6, 12, 6, 0.65],
    [0.3, 0.3, 1.25, 0.65, 14, 12, 0.6],
  ].map(snowRow),
  frost: [[1, 0.3], [0.9, 0.4], [0.8, 0.45], [0.75, 0.5], [0.7, 0.55]].map(([image, texture]) => ({ image: image!, texture: texture! })),
  fog: [[0.4, 3], [0.7, 3], [1, 2.5], [1.5, 2], [2, 1.75]].map(([strength, decay]) => ({ strength: strength!, decay: decay! })),
  brightness: [0.1, 0.2, 0.3, 0.4, 0.5].map((shift) => ({ shift })),
  contrast: [0.4, 0.3, 0.2, 0.1, 0.05].map((factor) => ({ factor })),
  elastic_transform: [[0, 0, 0.08], [0.05, 0.3, 0.06], [0.1, 0.08, 0.06], [0.1, 0.03, 0.03], [0.16, 0.03, 0.02]].map(([alpha, sigma, affine]) => elasticRow(alpha!, sigma!, affine!, 1)),
  pixelate: [0.9, 0.8, 0.7, 0.6, 0.5].map((factor) => ({ factor })),
  jpeg_compression: [65, 58, 50, 40, 25].map((quality) => ({ quality })),
};

/** CIFAR-10-C (32 px). */
const CIFAR: Table = {
  gaussian_noise: [0.04, 0.06, 0.08, 0.09, 0.1].map((sigma) => ({ sigma })),
  shot_noise: [500, 250, 100, 75, 50].map((rate) => ({ rate })),
  impulse_noise: [0.01, 0.02, 0.03, 0.05, 0.07].map((amount) => ({ amount })),
  defocus_blur: [[0.3, 0.4], [0.4, 0.5], [0.5, 0.6], [1, 0.2], [1.5, 0.1]].map(([radius, aliasBlur]) => ({ radius: radius!, aliasBlur: aliasBlur! })),
  glass_blur: [[0.05, 1, 1], [0.25, 1, 1], [0.4, 1, 1], [0.25, 1, 2], [0.4, 1, 2]].map(([sigma, delta, iterations]) => ({ sigma: sigma!, delta: delta!, iterations: iterations! })),
  motion_blur: [[6, 1], [6, 1.5], [6, 2], [8, 2], [9, 2.5]].map(([radius, sigma]) => ({ radius: radius!, sigma: sigma! })),
  zoom_blur: [range(1, 1.06, 0.01), range(1, 1.11, 0.01), range(1, 1.16, 0.01), range(1, 1.21, 0.01), range(1, 1.26, 0.01)].map((zooms) => ({ zooms })),
  snow: [
    [0.1, 0.2, 1, 0.6, 8, 3, 0.95],
    [0.1, 0.2, 1, 0.5, 10, 4, 0.9],
    [0.15, 0.3, 1.75, 0.55, 10, 4, 0.9],
    [0.25, 0.3, 2.25, 0.6, 12, 6, 0.85],
    [0.3, 0.3, 1.25, 0.65, 14, 12, 0.8],
  ].map(snowRow),
  frost: [[1, 0.2], [1, 0.3], [0.9, 0.4], [0.85, 0.4], [0.75, 0.45]].map(([image, texture]) => ({ image: image!, texture: texture! })),
  fog: [[0.2, 3], [0.5, 3], [0.75, 2.5], [1, 2], [1.5, 1.75]].map(([strength, decay]) => ({ strength: strength!, decay: decay! })),
  brightness: [0.05, 0.1, 0.15, 0.2, 0.3].map((shift) => ({ shift })),
  contrast: [0.75, 0.5, 0.4, 0.3, 0.15].map((factor) => ({ factor })),
  elastic_transform: [[0, 0, 0.08], [0.05, 0.2, 0.07], [0.08, 0.06, 0.06], [0.1, 0.04, 0.05], [0.1, 0.03, 0.03]].map(([alpha, sigma, affine]) => elasticRow(alpha!, sigma!, affine!, 1)),
  pixelate: [0.95, 0.9, 0.85, 0.75, 0.65].map((factor) => ({ factor })),
  jpeg_compression: [80, 65, 58, 50, 40].map((quality) => ({ quality })),
};

/** MNIST-C: ImageNet-C's rows, with its elastic table written for 28 px (28·k, not 244·k). */
const MNIST: Table = {
  ...IMAGENET,
  elastic_transform: [[2, 0.7, 0.1], [2, 0.08, 0.2], [0.05, 0.01, 0.02], [0.07, 0.01, 0.02], [0.12, 0.01, 0.02]].map(([alpha, sigma, affine]) => elasticRow(alpha!, sigma!, affine!, 1)),
};

const TABLES: Readonly<Record<Regime, Table>> = { imagenet: IMAGENET, tiny: TINY, cifar: CIFAR, mnist: MNIST };

/**
 * How far the texture crops of frost and fog reach, in texture pixels per image pixel at the table's
 * side: ImageNet-C and MNIST-C crop frost photos at full size, Tiny-ImageNet-C shrinks them to 0.3 and
 * CIFAR-10-C to 0.2 first; fog's plasma map is 256 px for ImageNet-C and MNIST-C, the side otherwise.
 */
export const TEXTURE_SPAN: Readonly<Record<Regime, { readonly frost: number; readonly fogMap: number }>> = {
  imagenet: { frost: 1, fogMap: 256 },
  tiny: { frost: 1 / 0.3, fogMap: 64 },
  cifar: { frost: 1 / 0.2, fogMap: 32 },
  mnist: { frost: 1, fogMap: 256 },
};

function snowRow(c: readonly number[]): CorruptionParams {
  const [mean, std, zoom, threshold, blurRadius, blurSigma, keep] = c as [number, number, number, number, number, number, number];
  return { mean, std, zoom, threshold, blurRadius, blurSigma, keep };
}

/** Elastic rows are multiples of the image side (alpha, sigma of the displacement smoothing, affine jitter). */
function elasticRow(alpha: number, sigma: number, affine: number, factor: number): CorruptionParams {
  return { alphaSide: alpha * factor, sigmaSide: sigma * factor, affineSide: affine * factor };
}

/** Keys whose values are lengths in pixels at the table's side (scaled up for larger images). */
const PIXEL_LENGTHS: Readonly<Partial<Record<CorruptionName, readonly string[]>>> = {
  defocus_blur: ['radius', 'aliasBlur'],
  glass_blur: ['sigma'],
  motion_blur: ['radius', 'sigma'],
  snow: ['blurRadius', 'blurSigma'],
};

/**
 * A severity's parameters for an image of this size: the regime's row, with pixel lengths (blur radii
 * and sigmas, glass-blur displacement) multiplied by max(1, min(H, W) / REFERENCE_SIDE[regime]) and
 * elastic multiples of the side turned into pixels; at the table's own side the row is unchanged.
 */
export function corruptionParams(name: CorruptionName, severity: Severity, regime: Regime, height: number, width: number): CorruptionParams {
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new GlassboxError('invalid_argument', `Severity ${String(severity)} is not one of 1, 2, 3, 4, 5.`, { argument: '--severities', hint: 'e.g. --severities 1,2,3,4,5' });
  const row = TABLES[regime][name][severity - 1]!;
  const side = Math.min(height, width);
  // smaller images keep the table's lengths (as MNIST-C keeps ImageNet-C's on 28 px): shrinking a
  // 1.5 px blur radius below 1 px would leave the image untouched
  const scale = Math.max(1, side / REFERENCE_SIDE[regime]);
  const out: Record<string, number | readonly number[]> = { ...row };
  for (const key of PIXEL_LENGTHS[name] ?? []) out[key] = (row[key] as number) * scale;
  if (name === 'glass_blur') out.delta = Math.max(1, Math.round((row.delta as number) * scale));
  if (name === 'elastic_transform') {
    out.alpha = (row.alphaSide as number) * side;
    out.sigma = (row.sigmaSide as number) * side;
    out.affine = (row.affineSide as number) * side;
  }
  return out;
}

/** The raw rows of a regime (for documentation and the report). */
export function parameterTable(regime: Regime): Table {
  return TABLES[regime];
}
