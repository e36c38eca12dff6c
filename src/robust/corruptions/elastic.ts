import { boundaryIndex, gaussianPlane, type BoundaryMode } from './filters.js';
import type { CorruptionContext, ImagePlanes } from './types.js';

/**
 * elastic_transform (ImageNet-C, after Simard et al. 2003): a random affine warp — the three points
 * (c + s, c + s), (c + s, c − s), (c − s, c − s) around the centre c = ⌊side/2⌋, s = ⌊min(H, W)/3⌋,
 * each moved by U(−affine, affine), mapped with OpenCV's getAffineTransform/warpAffine — then a
 * per-pixel displacement field: U(−1, 1) noise smoothed by a Gaussian of σ (truncate 3, reflect),
 * times alpha, sampled bilinearly (scipy map_coordinates, order 1). Borders reflect (reflect-101 for
 * the affine step as in OpenCV, half-sample reflect for the field); MNIST-C uses zero borders for both.
 * Points follow OpenCV's (x, y) order. Sampling is exact bilinear (OpenCV rounds to 1/32 px).
 */
export function elasticTransform(image: ImagePlanes, { rng, params, regime }: CorruptionContext): Float32Array {
  const { channels, height: h, width: w } = image;
  const p = params as Record<string, number>;
  const constant = regime === 'mnist';
  const size = h * w;
  const cy = Math.floor(h / 2);
  const cx = Math.floor(w / 2);
  const s = Math.floor(Math.min(h, w) / 3);
  // the reference's point list, read by OpenCV as (x, y)
  const from = [
    [cy + s, cx + s],
    [cy + s, cx - s],
    [cy - s, cx - s],
  ] as const;
  const to = from.map(([a, b]) => [a + Math.fround(p.affine! * (2 * rng.next() - 1)), b + Math.fround(p.affine! * (2 * rng.next() - 1))] as const);
  const inverse = affineFromPoints(to, from);
  const dx = displacement(h, w, p.sigma!, p.alpha!, rng);
  const dy = displacement(h, w, p.sigma!, p.alpha!, rng);
  const out = new Float32Array(image.data.length);
  const warped = new Float64Array(size);
  for (let c = 0; c < channels; c++) {
    const plane = image.data.subarray(c * size, (c + 1) * size);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sx = inverse[0] * x + inverse[1] * y + inverse[2];
        const sy = inverse[3] * x + inverse[4] * y + inverse[5];
        warped[y * w + x] = bilinear(plane, h, w, sy, sx, constant ? 'constant' : 'reflect101');
      }
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const v = bilinear(warped, h, w, y + dy[i]!, x + dx[i]!, constant ? 'constant' : 'reflect');
        out[c * size + i] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return out;
}

function displacement(h: number, w: number, sigma: number, alpha: number, rng: CorruptionContext['rng']): Float64Array {
  const noise = new Float64Array(h * w);
  for (let i = 0; i < noise.length; i++) noise[i] = 2 * rng.next() - 1;
  if (!(alpha > 0)) return new Float64Array(h * w);
  const smooth = gaussianPlane(noise, h, w, sigma, 'reflect', 3);
  for (let i = 0; i < smooth.length; i++) smooth[i] = Math.fround(smooth[i]! * alpha);
  return smooth;
}

/** The affine map [a b c; d e f] taking the three `src` points to `dst` (OpenCV getAffineTransform). */
export function affineFromPoints(src: readonly (readonly [number, number])[], dst: readonly (readonly [number, number])[]): [number, number, number, number, number, number] {
  const [[x0, y0], [x1, y1], [x2, y2]] = src as [[number, number], [number, number], [number, number]];
  const det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1);
  const solve = (v0: number, v1: number, v2: number): [number, number, number] => [
    (v0 * (y1 - y2) - y0 * (v1 - v2) + (v1 * y2 - v2 * y1)) / det,
    (x0 * (v1 - v2) - v0 * (x1 - x2) + (x1 * v2 - x2 * v1)) / det,
    (x0 * (y1 * v2 - y2 * v1) - y0 * (x1 * v2 - x2 * v1) + v0 * (x1 * y2 - x2 * y1)) / det,
  ];
  const [a, b, c] = solve(dst[0]![0], dst[1]![0], dst[2]![0]);
  const [d, e, f] = solve(dst[0]![1], dst[1]![1], dst[2]![1]);
  return [a, b, c, d, e, f];
}

function bilinear(plane: ArrayLike<number>, h: number, w: number, y: number, x: number, mode: BoundaryMode): number {
  const y0 = Math.floor(y);
  const x0 = Math.floor(x);
  const fy = y - y0;
  const fx = x - x0;
  if (y0 >= 0 && x0 >= 0 && y0 + 1 < h && x0 + 1 < w) {
    // inside: no boundary rule needed
    const a = y0 * w + x0;
    const top = plane[a]! + fx * (plane[a + 1]! - plane[a]!);
    const bottom = plane[a + w]! + fx * (plane[a + w + 1]! - plane[a + w]!);
    return top + fy * (bottom - top);
  }
  const r0 = boundaryIndex(y0, h, mode);
  const r1 = boundaryIndex(y0 + 1, h, mode);
  const c0 = boundaryIndex(x0, w, mode);
  const c1 = boundaryIndex(x0 + 1, w, mode);
  const at = (r: number, c: number): number => (r < 0 || c < 0 ? 0 : plane[r * w + c]!);
  return (1 - fy) * ((1 - fx) * at(r0, c0) + fx * at(r0, c1)) + fy * ((1 - fx) * at(r1, c0) + fx * at(r1, c1));
}
