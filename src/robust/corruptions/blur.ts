import type { Rng } from '../../rng.js';
import { boundaryIndex, correlate1d, gaussianPlane } from './filters.js';
import { addBilinear, clippedZoomAxis } from './resample.js';
import type { CorruptionContext, ImagePlanes } from './types.js';

/** The blur corruptions of ImageNet-C (Hendrycks & Dietterich 2019), one plane at a time. */

function mapPlanes(image: ImagePlanes, fn: (plane: Float32Array) => ArrayLike<number>): Float32Array {
  const { channels, height, width } = image;
  const size = height * width;
  const out = new Float32Array(channels * size);
  for (let c = 0; c < channels; c++) {
    const result = fn(image.data.subarray(c * size, (c + 1) * size));
    for (let i = 0; i < size; i++) {
      const v = result[i]!;
      out[c * size + i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return out;
}

/** OpenCV's getGaussianKernel(ksize, σ). */
function cvGaussianKernel(size: number, sigma: number): Float64Array {
  const k = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const d = i - (size - 1) / 2;
    sum += k[i] = Math.exp((-d * d) / (2 * sigma * sigma));
  }
  return k.map((v) => v / sum);
}

/**
 * Mean over a disk of radius r (points with x² + y² ≤ r² on the integer grid), reflect-101 borders
 * (OpenCV's default), in O(r) per pixel: each disk row is one run, summed from row prefix sums.
 */
export function diskMean(plane: ArrayLike<number>, h: number, w: number, radius: number): Float64Array {
  const R = Math.ceil(radius);
  const half = new Int32Array(2 * R + 1);
  let count = 0;
  for (let dy = -R; dy <= R; dy++) {
    const span = radius * radius - dy * dy;
    half[dy + R] = span >= 0 ? Math.floor(Math.sqrt(span) + 1e-9) : -1;
    count += span >= 0 ? 2 * half[dy + R]! + 1 : 0;
  }
  const pw = w + 2 * R + 1;
  // prefix[(y) * pw + k] = sum of the padded row y's first k values (padded columns -R .. w-1+R)
  const prefix = new Float64Array(h * pw);
  for (let y = 0; y < h; y++) {
    let acc = 0;
    for (let k = 0; k < pw - 1; k++) {
      acc += plane[y * w + boundaryIndex(k - R, w, 'reflect101')]!;
      prefix[y * pw + k + 1] = acc;
    }
  }
  const rows = new Int32Array(h + 2 * R);
  for (let i = 0; i < rows.length; i++) rows[i] = boundaryIndex(i - R, h, 'reflect101');
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let dy = -R; dy <= R; dy++) {
      const a = half[dy + R]!;
      if (a < 0) continue;
      const base = rows[y + dy + R]! * pw;
      for (let x = 0; x < w; x++) out[y * w + x]! += prefix[base + x + R + a + 1]! - prefix[base + x + R - a]!;
    }
  }
  for (let i = 0; i < out.length; i++) out[i]! /= count;
  return out;
}

/**
 * defocus_blur: the reference's `disk(radius, alias_blur)` kernel — a normalised disk smoothed by a
 * 3×3 (radius ≤ 8) or 5×5 Gaussian of σ = alias_blur — applied with filter2D. Convolution is
 * associative, so we smooth the image by the small Gaussian and then take the disk mean (O(r) per pixel
 * with prefix sums instead of O(r²)); away from the borders this equals the 2-D kernel.
 */
export function defocusBlur(image: ImagePlanes, { params }: CorruptionContext): Float32Array {
  const radius = params.radius as number;
  const alias = params.aliasBlur as number;
  const kernel = cvGaussianKernel(radius <= 8 ? 3 : 5, Math.max(alias, 1e-6));
  const { height: h, width: w } = image;
  return mapPlanes(image, (plane) => diskMean(correlate1d(correlate1d(plane, h, w, kernel, 1, 'reflect101'), h, w, kernel, 0, 'reflect101'), h, w, radius));
}

/**
 * glass_blur: Gaussian blur (skimage, σ), quantised to 8 bits as the reference does, then local pixel
 * swaps — for `iterations` passes, every pixel from the bottom-right inwards swaps with one at an offset
 * in [−δ, δ) on each axis — and a second Gaussian blur. MNIST-C swaps each pixel only on a coin flip.
 * The swap loop, the slow part in Python, is a plain typed-array loop here.
 */
export function glassBlur(image: ImagePlanes, { rng, params, regime }: CorruptionContext): Float32Array {
  const sigma = params.sigma as number;
  const delta = params.delta as number;
  const iterations = params.iterations as number;
  const { channels, height: h, width: w } = image;
  const size = h * w;
  const work = new Float64Array(channels * size);
  for (let c = 0; c < channels; c++) {
    const blurred = gaussianPlane(image.data.subarray(c * size, (c + 1) * size), h, w, sigma, 'nearest');
    for (let i = 0; i < size; i++) work[c * size + i] = Math.trunc(Math.min(1, Math.max(0, blurred[i]!)) * 255) / 255;
  }
  swapPixels(work, channels, h, w, delta, iterations, rng, regime === 'mnist');
  return mapPlanes({ ...image, data: Float32Array.from(work) }, (plane) => gaussianPlane(plane, h, w, sigma, 'nearest'));
}

function swapPixels(work: Float64Array, channels: number, h: number, w: number, delta: number, iterations: number, rng: Rng, coin: boolean): void {
  const size = h * w;
  for (let it = 0; it < iterations; it++) {
    for (let y = h - delta; y > delta; y--) {
      for (let x = w - delta; x > delta; x--) {
        if (coin && rng.next() >= 0.5) continue;
        const dx = rng.int(2 * delta) - delta;
        const dy = rng.int(2 * delta) - delta;
        const a = y * w + x;
        const b = (y + dy) * w + x + dx;
        for (let c = 0; c < channels; c++) {
          const t = work[c * size + a]!;
          work[c * size + a] = work[c * size + b]!;
          work[c * size + b] = t;
        }
      }
    }
  }
}

/**
 * A linear motion blur at `angle` degrees: a one-sided Gaussian of σ over 2·radius+1 taps, each tap
 * the image shifted along the angle with edge replication. This is imagecorruptions' NumPy version of
 * ImageMagick's MotionBlurImage (ImageNet-C calls ImageMagick through Wand).
 */
export function motionBlurPlane(plane: ArrayLike<number>, h: number, w: number, radius: number, sigma: number, angle: number): Float64Array {
  const width = 2 * Math.max(1, Math.round(radius)) + 1;
  const weights = new Float64Array(width);
  let total = 0;
  for (let i = 0; i < width; i++) total += weights[i] = Math.exp(-(i * i) / (2 * sigma * sigma));
  const sin = Math.sin((angle * Math.PI) / 180);
  const cos = Math.cos((angle * Math.PI) / 180);
  const out = new Float64Array(h * w);
  const cols = new Int32Array(w);
  for (let i = 0; i < width; i++) {
    const dy = -Math.ceil(i * sin - 0.5);
    const dx = -Math.ceil(i * cos - 0.5);
    if (Math.abs(dy) >= h || Math.abs(dx) >= w) break;
    const k = weights[i]! / total;
    for (let x = 0; x < w; x++) cols[x] = Math.min(w - 1, Math.max(0, x - dx));
    for (let y = 0; y < h; y++) {
      const row = Math.min(h - 1, Math.max(0, y - dy)) * w;
      for (let x = 0; x < w; x++) out[y * w + x]! += k * plane[row + cols[x]!]!;
    }
  }
  return out;
}

/** motion_blur: {@link motionBlurPlane} at an angle drawn uniformly in [−45°, 45°). */
export function motionBlur(image: ImagePlanes, { rng, params }: CorruptionContext): Float32Array {
  const angle = -45 + 90 * rng.next();
  return mapPlanes(image, (plane) => motionBlurPlane(plane, image.height, image.width, params.radius as number, params.sigma as number, angle));
}

/**
 * zoom_blur: the mean of the image and its centred zooms by each factor (the reference's
 * `clipped_zoom`: crop, scipy order-1 zoom, trim), per axis so non-square images work. The zoom is
 * separable, so each factor costs one bilinear pass from precomputed row and column maps.
 */
export function zoomBlur(image: ImagePlanes, { params }: CorruptionContext): Float32Array {
  const zooms = params.zooms as readonly number[];
  const { height: h, width: w } = image;
  const maps = zooms.map((z) => ({ rows: clippedZoomAxis(h, z), cols: clippedZoomAxis(w, z) }));
  const weight = 1 / (zooms.length + 1);
  return mapPlanes(image, (plane) => {
    const out = new Float64Array(h * w);
    for (let i = 0; i < out.length; i++) out[i] = plane[i]! * weight;
    for (const m of maps) addBilinear(plane, w, m.rows, m.cols, weight, out);
    return out;
  });
}
