/**
 * Separable filters on one image plane (row-major h × w), in float64. Boundary modes follow scipy.ndimage:
 * `nearest` (a a a | a b c | c c c), `reflect` (b a | a b c | c b: half-sample symmetric, skimage's and
 * scipy's 'reflect') and `reflect101` (c b | a b c | b a: OpenCV's default BORDER_REFLECT_101).
 */
export type BoundaryMode = 'nearest' | 'reflect' | 'reflect101' | 'constant';

/** The index a position outside [0, n) reads under a boundary mode (-1 for a constant zero). */
export function boundaryIndex(i: number, n: number, mode: BoundaryMode): number {
  if (i >= 0 && i < n) return i;
  if (mode === 'constant') return -1;
  if (mode === 'nearest' || n === 1) return i < 0 ? 0 : n - 1;
  if (mode === 'reflect') {
    const period = 2 * n;
    let k = ((i % period) + period) % period;
    if (k >= n) k = period - 1 - k;
    return k;
  }
  const period = 2 * n - 2;
  let k = ((i % period) + period) % period;
  if (k >= n) k = period - k;
  return k;
}

/** scipy/skimage Gaussian weights: radius int(truncate·σ + 0.5), exp(−x²/2σ²) normalised. */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  if (!(sigma > 0)) return Float64Array.of(1);
  const radius = Math.trunc(truncate * sigma + 0.5);
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

/** Correlates each row (axis 1) or column (axis 0) of a plane with a centred 1-D kernel. */
export function correlate1d(src: ArrayLike<number>, h: number, w: number, kernel: Float64Array, axis: 0 | 1, mode: BoundaryMode): Float64Array {
  const r = (kernel.length - 1) / 2;
  const n = axis === 1 ? w : h;
  if (kernel.length > 2 * n && mode !== 'constant') return correlateFolded(src, h, w, foldKernel(kernel, n, mode), axis);
  const out = new Float64Array(h * w);
  // positions -r .. n-1+r mapped once to source indices
  const index = new Int32Array(n + 2 * r);
  for (let i = 0; i < index.length; i++) index[i] = boundaryIndex(i - r, n, mode);
  if (axis === 1) {
    const k = kernel.length;
    for (let y = 0; y < h; y++) {
      const base = y * w;
      for (let x = 0; x < w; x++) {
        let acc = 0;
        if (x >= r && x + r < w) {
          // interior: the taps read base + x − r … base + x + r directly
          const start = base + x - r;
          for (let t = 0; t < k; t++) acc += kernel[t]! * src[start + t]!;
        } else {
          for (let t = 0; t < k; t++) {
            const j = index[x + t]!;
            if (j >= 0) acc += kernel[t]! * src[base + j]!;
          }
        }
        out[base + x] = acc;
      }
    }
    return out;
  }
  for (let y = 0; y < h; y++) {
    const base = y * w;
    for (let t = 0; t < kernel.length; t++) {
      const j = index[y + t]!;
      if (j < 0) continue;
      const weight = kernel[t]!;
      const row = j * w;
      for (let x = 0; x < w; x++) out[base + x]! += weight * src[row + x]!;
    }
  }
  return out;
}

/**
 * A kernel longer than the signal, folded onto it: under a reflecting or nearest boundary every tap
 * lands on one of the n samples, so out[i] = Σ_j M[i][j]·in[j] with an n × n matrix — O(n) per output
 * instead of O(kernel length) (elastic_transform smooths with σ up to 0.7 of the side).
 */
function foldKernel(kernel: Float64Array, n: number, mode: BoundaryMode): Float64Array {
  const r = (kernel.length - 1) / 2;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let t = 0; t < kernel.length; t++) m[i * n + boundaryIndex(i + t - r, n, mode)]! += kernel[t]!;
  return m;
}

function correlateFolded(src: ArrayLike<number>, h: number, w: number, m: Float64Array, axis: 0 | 1): Float64Array {
  const out = new Float64Array(h * w);
  if (axis === 1) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (let j = 0; j < w; j++) acc += m[x * w + j]! * src[y * w + j]!;
        out[y * w + x] = acc;
      }
    }
    return out;
  }
  for (let y = 0; y < h; y++) {
    for (let j = 0; j < h; j++) {
      const weight = m[y * h + j]!;
      if (weight === 0) continue;
      for (let x = 0; x < w; x++) out[y * w + x]! += weight * src[j * w + x]!;
    }
  }
  return out;
}

/** skimage.filters.gaussian on one plane (σ in pixels, truncate 4 unless given). */
export function gaussianPlane(src: ArrayLike<number>, h: number, w: number, sigma: number, mode: BoundaryMode, truncate = 4): Float64Array {
  if (!(sigma > 0)) return Float64Array.from(src);
  const kernel = gaussianKernel(sigma, truncate);
  return correlate1d(correlate1d(src, h, w, kernel, 1, mode), h, w, kernel, 0, mode);
}

/** Clamps to [0, 1]. */
export function clip01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
