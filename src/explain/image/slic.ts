import { relabel, toLab } from './color.js';

export interface SlicOptions {
  readonly nSegments?: number;
  readonly compactness?: number;
  readonly maxIter?: number;
}

/**
 * SLIC superpixels (Achanta et al. 2012, "SLIC superpixels compared to state-of-the-art superpixel
 * methods"), as skimage `slic` (defaults n_segments 100, compactness 10, 10 iterations): k-means in
 * (Lab, x, y) from a regular grid of centres, each centre searching a 2S × 2S window with distance
 * d_lab² + (m/S)²·d_xy²; then connectivity is enforced (fragments smaller than a quarter of the mean
 * segment size join a neighbour). Returns one label per pixel (row-major H × W) and the count.
 */
export function slic(image: Float32Array | Float64Array, c: number, h: number, w: number, options: SlicOptions = {}): { labels: Int32Array; count: number } {
  const nSegments = options.nSegments ?? 100;
  const m = options.compactness ?? 10;
  const lab = toLab(image, c, h, w);
  const step = Math.max(1, Math.sqrt((h * w) / nSegments));
  const centers: number[][] = [];
  for (let y = step / 2; y < h; y += step) for (let x = step / 2; x < w; x += step) {
    const p = Math.floor(y) * w + Math.floor(x);
    centers.push([lab[p * 3]!, lab[p * 3 + 1]!, lab[p * 3 + 2]!, y, x]);
  }
  const labels = new Int32Array(h * w).fill(-1);
  const dist = new Float64Array(h * w);
  const spatial = (m / step) ** 2;
  for (let iter = 0; iter < (options.maxIter ?? 10); iter++) {
    dist.fill(Infinity);
    centers.forEach((ctr, k) => {
      const [l, a, b, cy, cx] = ctr as [number, number, number, number, number];
      for (let y = Math.max(0, Math.floor(cy - step)); y < Math.min(h, Math.ceil(cy + step)); y++) {
        for (let x = Math.max(0, Math.floor(cx - step)); x < Math.min(w, Math.ceil(cx + step)); x++) {
          const p = y * w + x;
          const d = (lab[p * 3]! - l) ** 2 + (lab[p * 3 + 1]! - a) ** 2 + (lab[p * 3 + 2]! - b) ** 2 + spatial * ((y - cy) ** 2 + (x - cx) ** 2);
          if (d < dist[p]!) {
            dist[p] = d;
            labels[p] = k;
          }
        }
      }
    });
    const sums = centers.map(() => [0, 0, 0, 0, 0, 0]);
    for (let p = 0; p < h * w; p++) {
      const s = sums[labels[p]!];
      if (!s) continue;
      s[0]! += lab[p * 3]!;
      s[1]! += lab[p * 3 + 1]!;
      s[2]! += lab[p * 3 + 2]!;
      s[3]! += Math.floor(p / w);
      s[4]! += p % w;
      s[5]! += 1;
    }
    sums.forEach((s, k) => {
      if (s[5]! > 0) centers[k] = [s[0]! / s[5]!, s[1]! / s[5]!, s[2]! / s[5]!, s[3]! / s[5]!, s[4]! / s[5]!];
    });
  }
  for (let p = 0; p < h * w; p++) if (labels[p]! < 0) labels[p] = 0;
  enforceConnectivity(labels, h, w, Math.max(1, Math.floor((h * w) / centers.length / 4)));
  return { labels, count: relabel(labels) };
}

/** Splits labels into 4-connected components and merges components under `minSize` into a neighbour. */
export function enforceConnectivity(labels: Int32Array, h: number, w: number, minSize: number): void {
  const out = new Int32Array(h * w).fill(-1);
  const queue = new Int32Array(h * w);
  let next = 0;
  for (let start = 0; start < h * w; start++) {
    if (out[start]! >= 0) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    out[start] = next;
    let neighbour = -1;
    while (head < tail) {
      const p = queue[head++]!;
      const y = Math.floor(p / w);
      const x = p % w;
      for (const q of [y > 0 ? p - w : -1, y < h - 1 ? p + w : -1, x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1]) {
        if (q < 0) continue;
        if (labels[q] === labels[start] && out[q]! < 0) {
          out[q] = next;
          queue[tail++] = q;
        } else if (out[q]! >= 0 && out[q] !== next) neighbour = out[q]!;
      }
    }
    if (tail < minSize && neighbour >= 0) for (let i = 0; i < tail; i++) out[queue[i]!] = neighbour;
    else next++;
  }
  labels.set(out);
}
