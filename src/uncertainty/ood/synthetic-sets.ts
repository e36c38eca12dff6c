import { GlassboxError } from '../../errors.js';
import type { Tensor } from '../../model/tensor.js';
import { Rng } from '../../rng.js';

/**
 * Synthetic out-of-distribution image sets made deterministically from in-distribution images
 * [n, H, W, C] with values in [0, 1] (the digits demo's layout):
 * - `uniform-noise`: every pixel uniform on [0, 1];
 * - `inverted`: 1 − x (white digits become black on white);
 * - `rotated`: each image rotated by 90° (digits on their side);
 * - `pixel-shuffled`: each image's pixels permuted at random (same ink, no shape).
 */
export const SYNTHETIC_OOD_SETS = ['uniform-noise', 'inverted', 'rotated', 'pixel-shuffled'] as const;
export type SyntheticOodSet = (typeof SYNTHETIC_OOD_SETS)[number];

export function syntheticOodSet(images: Tensor, kind: SyntheticOodSet, seed: number): Tensor {
  const [n, h, w, c] = images.shape as [number, number, number, number];
  if (images.shape.length !== 4) throw new GlassboxError('invalid_input', `Synthetic OOD sets take images [n, H, W, C]; got shape [${images.shape.join(', ')}]`, {});
  const size = h * w * c;
  const src = images.data;
  const out = new Float32Array(src.length);
  const rng = new Rng(seed);
  if (kind === 'uniform-noise') for (let i = 0; i < out.length; i++) out[i] = rng.next();
  else if (kind === 'inverted') for (let i = 0; i < out.length; i++) out[i] = 1 - src[i]!;
  else if (kind === 'rotated') {
    if (h !== w) throw new GlassboxError('invalid_input', 'rotated: images must be square', {});
    // out[y][x] = in[w-1-x][y] (90° counter-clockwise)
    for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[i * size + (y * w + x) * c + k] = src[i * size + ((w - 1 - x) * w + y) * c + k]!;
  } else {
    const pixels = h * w;
    for (let i = 0; i < n; i++) {
      const perm = rng.permutation(pixels);
      for (let p = 0; p < pixels; p++) for (let k = 0; k < c; k++) out[i * size + p * c + k] = src[i * size + perm[p]! * c + k]!;
    }
  }
  return { data: out, shape: [...images.shape] };
}
