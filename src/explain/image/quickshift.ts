import { relabel, toLab } from './color.js';

export interface QuickshiftOptions {
  readonly kernelSize?: number;
  readonly maxDist?: number;
  readonly ratio?: number;
}

/**
 * Quickshift superpixels (Vedaldi & Soatto 2008, "Quick shift and kernel methods for mode seeking"),
 * as skimage `quickshift` with lime's settings by default (kernel_size 4, max_dist 200, ratio 0.2):
 * features are (ratio·Lab, row, col); each pixel's density is a Gaussian Parzen sum over a
 * (2·⌈3σ⌉+1)² window, each pixel links to the nearest pixel of higher density in that window, links
 * longer than max_dist are cut, and the trees of the forest are the segments.
 */
export function quickshift(image: Float32Array | Float64Array, c: number, h: number, w: number, options: QuickshiftOptions = {}): { labels: Int32Array; count: number } {
  const sigma = options.kernelSize ?? 4;
  const maxDist = options.maxDist ?? 200;
  const ratio = options.ratio ?? 0.2;
  const lab = toLab(image, c, h, w).map((v) => v * ratio);
  const win = Math.ceil(3 * sigma);
  const n = h * w;
  const density = new Float64Array(n);
  const d2 = (p: number, q: number, dy: number, dx: number): number => (lab[p * 3]! - lab[q * 3]!) ** 2 + (lab[p * 3 + 1]! - lab[q * 3 + 1]!) ** 2 + (lab[p * 3 + 2]! - lab[q * 3 + 2]!) ** 2 + dy * dy + dx * dx;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x;
    let s = 0;
    for (let yy = Math.max(0, y - win); yy <= Math.min(h - 1, y + win); yy++) for (let xx = Math.max(0, x - win); xx <= Math.min(w - 1, x + win); xx++) s += Math.exp(-d2(p, yy * w + xx, yy - y, xx - x) / (2 * sigma * sigma));
    density[p] = s;
  }
  const parent = new Int32Array(n);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x;
    let best = Infinity;
    parent[p] = p;
    for (let yy = Math.max(0, y - win); yy <= Math.min(h - 1, y + win); yy++) for (let xx = Math.max(0, x - win); xx <= Math.min(w - 1, x + win); xx++) {
      const q = yy * w + xx;
      if (density[q]! <= density[p]!) continue;
      const d = d2(p, q, yy - y, xx - x);
      if (d < best) {
        best = d;
        parent[p] = q;
      }
    }
    if (Math.sqrt(best) > maxDist) parent[p] = p;
  }
  const labels = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    let r = p;
    while (parent[r] !== r) r = parent[r]!;
    labels[p] = r;
  }
  return { labels, count: relabel(labels) };
}
