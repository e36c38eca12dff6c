import { Rng } from '../../rng.js';
import { luminance } from './colour.js';
import { motionBlurPlane } from './blur.js';
import { FROST_TINT, frostBank } from './frost-texture.js';
import { nextPowerOfTwo, plasmaFractal } from './plasma-fractal.js';
import { REFERENCE_SIDE, TEXTURE_SPAN } from './params.js';
import { addBilinear, boxResize, clippedZoomAxis } from './resample.js';
import type { CorruptionContext, ImagePlanes } from './types.js';

/** The weather corruptions of ImageNet-C (Hendrycks & Dietterich 2019): snow, frost and fog. */

/**
 * snow: a layer of N(mean, std) flakes, zoomed by `zoom` (clipped_zoom), cut below `threshold`,
 * clipped, quantised to 8 bits, motion-blurred at an angle in [−135°, −45°) and rounded to 8 bits; the
 * image is whitened towards max(x, 1.5·gray + 0.5) with weight 1 − keep and the layer is added twice
 * (as is and rotated 180°). The same layer falls on every channel; gray is the luminance (the plane
 * itself for grey images, as MNIST-C does).
 */
export function snow(image: ImagePlanes, { rng, params }: CorruptionContext): Float32Array {
  const { channels, height: h, width: w } = image;
  const size = h * w;
  const p = params as Record<string, number>;
  const flakes = new Float64Array(size);
  for (let i = 0; i < size; i++) flakes[i] = p.mean! + p.std! * rng.normal();
  const zoomed = new Float64Array(size);
  addBilinear(flakes, w, clippedZoomAxis(h, p.zoom!), clippedZoomAxis(w, p.zoom!), 1, zoomed);
  for (let i = 0; i < size; i++) {
    const v = zoomed[i]! < p.threshold! ? 0 : Math.min(1, Math.max(0, zoomed[i]!));
    zoomed[i] = Math.trunc(v * 255) / 255;
  }
  const angle = -135 + 90 * rng.next();
  const layer = motionBlurPlane(zoomed, h, w, p.blurRadius!, p.blurSigma!, angle);
  for (let i = 0; i < size; i++) layer[i] = Math.round(layer[i]! * 255) / 255;
  const gray = luminance(image.data, channels, size);
  const out = new Float32Array(image.data.length);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < size; i++) {
      const x = image.data[c * size + i]!;
      const whitened = p.keep! * x + (1 - p.keep!) * Math.max(x, gray[i]! * 1.5 + 0.5);
      const v = whitened + layer[i]! + layer[size - 1 - i]!;
      out[c * size + i] = v > 1 ? 1 : v < 0 ? 0 : v;
    }
  }
  return out;
}

/**
 * frost: clip(a·x + b·F) with F a crop of a procedurally generated frost texture (frost-texture.ts)
 * in place of the reference's photographs: one of a bank of five per seed and size, cropped at random.
 * Tiny-ImageNet-C and CIFAR-10-C shrink the photos before cropping (TEXTURE_SPAN): the crop then covers
 * span·side texture pixels and is box-resized to the image.
 */
export function frost(image: ImagePlanes, { rng, params, regime, seed }: CorruptionContext): Float32Array {
  const { channels, height: h, width: w } = image;
  const size = h * w;
  const span = TEXTURE_SPAN[regime].frost;
  const cap = Math.min(1, 1024 / (Math.max(h, w) * span));
  const ch = Math.max(1, Math.round(h * span * cap));
  const cw = Math.max(1, Math.round(w * span * cap));
  const unit = (Math.min(h, w) / REFERENCE_SIDE[regime]) * cap;
  const bank = frostBank(seed, Math.ceil(Math.max(ch, cw) * 1.25), unit);
  const texture = bank.textures[rng.int(bank.textures.length)]!;
  const y0 = rng.int(bank.side - ch + 1);
  const x0 = rng.int(bank.side - cw + 1);
  const crop = new Float64Array(ch * cw);
  for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) crop[y * cw + x] = texture[(y0 + y) * bank.side + x0 + x]!;
  const f = ch === h && cw === w ? crop : boxResize(crop, ch, cw, h, w);
  const a = params.image as number;
  const b = params.texture as number;
  const grey = 1;
  const out = new Float32Array(image.data.length);
  for (let c = 0; c < channels; c++) {
    const tint = channels >= 3 && c < 3 ? FROST_TINT[c]! : grey;
    for (let i = 0; i < size; i++) {
      const v = a * image.data[c * size + i]! + b * Math.min(1, tint * f[i]!);
      out[c * size + i] = v > 1 ? 1 : v;
    }
  }
  return out;
}

/**
 * fog: x + strength·plasma (diamond-square map, decay `decay`, side the next power of two of
 * max(H, W, fogMap·side/tableSide), cropped to the image), rescaled by max(x)/(max(x) + strength).
 * When the map is at least 16 times the image's area (MNIST-C cuts 28 px from a 256 px map), a fresh
 * map per image would cost 80 times the crop; instead each image cuts its crop at a random offset,
 * wrapping around, from one of 16 maps made once per seed — diamond-square maps wrap, so every such
 * crop is a crop of a valid map, normalised over the whole map as the reference does.
 */
export function fog(image: ImagePlanes, { rng, params, regime, seed }: CorruptionContext): Float32Array {
  const { channels, height: h, width: w } = image;
  const size = h * w;
  const strength = params.strength as number;
  const scale = Math.min(h, w) / REFERENCE_SIDE[regime];
  const map = nextPowerOfTwo(Math.max(h, w, Math.round(TEXTURE_SPAN[regime].fogMap * scale)));
  const plasma = fogMap(map, h, w, params.decay as number, seed, rng);
  let max = 0;
  for (const v of image.data) max = Math.max(max, v);
  const factor = max / (max + strength);
  const out = new Float32Array(image.data.length);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const v = (image.data[c * size + i]! + strength * plasma[y * w + x]!) * factor;
        out[c * size + i] = v > 1 ? 1 : v < 0 ? 0 : v;
      }
    }
  }
  return out;
}

const fogBanks = new Map<string, Float64Array[]>();

function fogMap(map: number, h: number, w: number, decay: number, seed: number, rng: CorruptionContext['rng']): Float64Array {
  const out = new Float64Array(h * w);
  if (map * map < 16 * h * w) {
    const plasma = plasmaFractal(map, decay, rng);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = plasma[y * map + x]!;
    return out;
  }
  const key = `${seed}|${map}|${decay}`;
  let bank = fogBanks.get(key);
  if (!bank) {
    const source = new Rng(seed ^ 0x0f09f09f);
    bank = Array.from({ length: 16 }, () => plasmaFractal(map, decay, source));
    if (fogBanks.size > 16) fogBanks.clear();
    fogBanks.set(key, bank);
  }
  const plasma = bank[rng.int(bank.length)]!;
  const oy = rng.int(map);
  const ox = rng.int(map);
  const mask = map - 1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = plasma[((oy + y) & mask) * map + ((ox + x) & mask)]!;
  return out;
}
