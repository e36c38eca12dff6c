import { brightenPlanes } from './colour.js';
import { boxResize } from './resample.js';
import type { CorruptionContext, ImagePlanes } from './types.js';

/** The photometric and resampling corruptions of ImageNet-C's "digital" family (elastic and JPEG have their own files). */

/** brightness: HSV value + shift (colour-space details in colour.ts). */
export function brightness(image: ImagePlanes, { params }: CorruptionContext): Float32Array {
  return brightenPlanes(image.data, image.channels, image.height * image.width, params.shift as number);
}

/** contrast: clip((x − m)·factor + m) with m the mean of each channel over the image. */
export function contrast(image: ImagePlanes, { params }: CorruptionContext): Float32Array {
  const factor = params.factor as number;
  const size = image.height * image.width;
  const out = new Float32Array(image.data.length);
  for (let c = 0; c < image.channels; c++) {
    let sum = 0;
    for (let i = 0; i < size; i++) sum += image.data[c * size + i]!;
    const mean = sum / size;
    for (let i = 0; i < size; i++) {
      const v = (image.data[c * size + i]! - mean) * factor + mean;
      out[c * size + i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return out;
}

/** pixelate: PIL BOX resize to int(W·f) × int(H·f) (at least 1 px) and BOX resize back, per channel. */
export function pixelate(image: ImagePlanes, { params }: CorruptionContext): Float32Array {
  const f = params.factor as number;
  const { channels, height: h, width: w } = image;
  const sh = Math.max(1, Math.trunc(h * f));
  const sw = Math.max(1, Math.trunc(w * f));
  const size = h * w;
  const out = new Float32Array(image.data.length);
  for (let c = 0; c < channels; c++) {
    const small = boxResize(image.data.subarray(c * size, (c + 1) * size), h, w, sh, sw);
    const back = boxResize(small, sh, sw, h, w);
    for (let i = 0; i < size; i++) out[c * size + i] = Math.min(1, Math.max(0, back[i]!));
  }
  return out;
}
