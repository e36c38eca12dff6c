import type { Tensor } from '../model/tensor.js';
import { drawLabel } from './bitmap-font.js';

export interface ScenarioGridOptions {
  /** Images per row (default 8). */
  readonly columns?: number;
  /** Most images shown (default 32). */
  readonly maxImages?: number;
  /** Pixels per image pixel (default: images at least 84 px wide). */
  readonly scale?: number;
}

/**
 * A PNG sheet of decoded scenario members, as in Defuse's figure 1: each image with the classifier's
 * prediction in its top-left corner (white on red). `images` is [n, H, W, C] in [0, 1] (grey for
 * C = 1, RGB from the first three channels otherwise); `rows` picks and orders the members shown.
 */
export async function scenarioGridPng(images: Tensor, rows: readonly number[], labels: readonly string[], options: ScenarioGridOptions = {}): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const [, h, w, c] = images.shape as [number, number, number, number];
  const shown = rows.slice(0, options.maxImages ?? 32);
  const columns = Math.max(1, Math.min(options.columns ?? 8, shown.length));
  const gridRows = Math.max(1, Math.ceil(shown.length / columns));
  const s = options.scale ?? Math.max(1, Math.ceil(84 / Math.max(h, w)));
  const gap = 2;
  const cw = w * s;
  const ch = h * s;
  const W = columns * cw + (columns - 1) * gap;
  const H = gridRows * ch + (gridRows - 1) * gap;
  const out = Buffer.alloc(W * H * 3, 255);
  const size = h * w * c;
  const labelScale = Math.max(1, Math.floor(s / 1.5));
  shown.forEach((row, k) => {
    const ox = (k % columns) * (cw + gap);
    const oy = Math.floor(k / columns) * (ch + gap);
    const base = row * size;
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const p = (Math.floor(y / s) * w + Math.floor(x / s)) * c;
        const o = ((oy + y) * W + ox + x) * 3;
        for (let t = 0; t < 3; t++) out[o + t] = Math.round(Math.min(1, Math.max(0, images.data[base + p + (c >= 3 ? t : 0)]!)) * 255);
      }
    }
    drawLabel(out, W, H, ox, oy, labels[k] ?? '?', labelScale, [255, 255, 255], [200, 30, 30]);
  });
  return sharp(out, { raw: { width: W, height: H, channels: 3 } }).png({ compressionLevel: 9 }).toBuffer();
}
