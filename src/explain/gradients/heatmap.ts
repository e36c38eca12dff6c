import sharp from 'sharp';

export interface HeatmapOptions {
  /** Output scale factor (nearest-neighbour), e.g. 8 turns 28×28 into 224×224. Default: to ≥ 224 px. */
  readonly scale?: number;
  /** 'signed' colours positive red and negative blue; 'magnitude' uses |value| (default for saliency-like maps). */
  readonly mode?: 'signed' | 'magnitude';
  /** Opacity of the heatmap at the largest |value| (default 0.75). */
  readonly alpha?: number;
}

/**
 * A PNG overlay of an attribution map on its image, base64-encoded for report image blocks.
 * `image` is C×H×W in [0, 1] (C = 1 or 3), `map` is C×H×W or H×W (channels are summed). Colours are
 * normalised by the map's largest |value| (symmetric for 'signed'), so maps are comparable in shape,
 * not in scale.
 */
export async function heatmapOverlayPng(image: ArrayLike<number>, map: ArrayLike<number>, shape: readonly [number, number, number], options: HeatmapOptions = {}): Promise<string> {
  const [c, h, w] = shape;
  const plane = h * w;
  const m = new Float64Array(plane);
  const planes = map.length / plane;
  for (let p = 0; p < planes; p++) for (let k = 0; k < plane; k++) m[k]! += map[p * plane + k]!;
  let max = 0;
  for (const v of m) max = Math.max(max, Math.abs(v));
  const mode = options.mode ?? 'signed';
  const alpha = options.alpha ?? 0.75;
  const scale = options.scale ?? Math.max(1, Math.ceil(224 / Math.max(h, w)));
  const out = Buffer.alloc(h * scale * w * scale * 3);
  for (let y = 0; y < h * scale; y++) {
    for (let x = 0; x < w * scale; x++) {
      const k = Math.floor(y / scale) * w + Math.floor(x / scale);
      const v = max > 0 ? m[k]! / max : 0;
      const gray = c === 3 ? (image[k]! + image[plane + k]! + image[2 * plane + k]!) / 3 : image[k]!;
      const base = [0, 1, 2].map((ch) => 255 * (c === 3 ? image[ch * plane + k]! : gray) * 0.8);
      const color = mode === 'signed' ? (v >= 0 ? [255, 40, 20] : [30, 80, 255]) : [255, Math.round(220 * (1 - Math.abs(v))), 0];
      const a = alpha * Math.min(1, Math.abs(v));
      const o = (y * w * scale + x) * 3;
      for (let ch = 0; ch < 3; ch++) out[o + ch] = Math.round((1 - a) * base[ch]! + a * color[ch]!);
    }
  }
  const png = await sharp(out, { raw: { width: w * scale, height: h * scale, channels: 3 } }).png().toBuffer();
  return png.toString('base64');
}
