/**
 * Pixel features in CIE Lab (D65), as skimage's `rgb2lab` that SLIC and quickshift use. Input is one
 * image, channels-first (C × H × W) with C = 3 (RGB) or 1 (grey, used as L); values in [0, 1], or
 * [0, 255] when any value exceeds 1. Output is H·W × 3 (L, a, b), row-major over pixels.
 */
export function toLab(image: Float32Array | Float64Array, c: number, h: number, w: number): Float64Array {
  const n = h * w;
  let max = 0;
  for (let i = 0; i < c * n; i++) max = Math.max(max, image[i]!);
  const scale = max > 1 ? 1 / 255 : 1;
  const out = new Float64Array(n * 3);
  for (let p = 0; p < n; p++) {
    if (c < 3) {
      out[p * 3] = 100 * image[p]! * scale;
      continue;
    }
    const [r, g, b] = [lin(image[p]! * scale), lin(image[n + p]! * scale), lin(image[2 * n + p]! * scale)];
    const x = (0.412453 * r + 0.35758 * g + 0.180423 * b) / 0.95047;
    const y = 0.212671 * r + 0.71516 * g + 0.072169 * b;
    const z = (0.019334 * r + 0.119193 * g + 0.950227 * b) / 1.08883;
    const [fx, fy, fz] = [f(x), f(y), f(z)];
    out[p * 3] = 116 * fy - 16;
    out[p * 3 + 1] = 500 * (fx - fy);
    out[p * 3 + 2] = 200 * (fy - fz);
  }
  return out;
}

function lin(v: number): number {
  return v > 0.04045 ? ((v + 0.055) / 1.055) ** 2.4 : v / 12.92;
}

function f(t: number): number {
  return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
}

/** Relabels segment ids to 0..K−1 in order of first appearance; returns K. */
export function relabel(labels: Int32Array): number {
  const map = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) {
    let id = map.get(labels[i]!);
    if (id === undefined) {
      id = map.size;
      map.set(labels[i]!, id);
    }
    labels[i] = id;
  }
  return map.size;
}
