/**
 * Resizes a stack of [planes, h, w] maps to [planes, outH, outW] like torch.nn.functional.interpolate:
 * 'bilinear' with align_corners=False (source = (dst + 0.5)·in/out − 0.5, clamped below at 0, edges
 * replicated) or 'nearest' (source = floor(dst · in/out)). Float64 in and out.
 */
export function upsample(maps: Float64Array, planes: number, h: number, w: number, outH: number, outW: number, mode: 'bilinear' | 'nearest'): Float64Array {
  const out = new Float64Array(planes * outH * outW);
  const sh = h / outH;
  const sw = w / outW;
  for (let p = 0; p < planes; p++) {
    const src = p * h * w;
    const dst = p * outH * outW;
    for (let i = 0; i < outH; i++) {
      if (mode === 'nearest') {
        const si = Math.min(Math.floor(i * sh), h - 1);
        for (let j = 0; j < outW; j++) out[dst + i * outW + j] = maps[src + si * w + Math.min(Math.floor(j * sw), w - 1)]!;
        continue;
      }
      const y = Math.max(0, (i + 0.5) * sh - 0.5);
      const y0 = Math.min(Math.floor(y), h - 1);
      const y1 = Math.min(y0 + 1, h - 1);
      const ly = y - y0;
      for (let j = 0; j < outW; j++) {
        const xf = Math.max(0, (j + 0.5) * sw - 0.5);
        const x0 = Math.min(Math.floor(xf), w - 1);
        const x1 = Math.min(x0 + 1, w - 1);
        const lx = xf - x0;
        const top = (1 - lx) * maps[src + y0 * w + x0]! + lx * maps[src + y0 * w + x1]!;
        const bottom = (1 - lx) * maps[src + y1 * w + x0]! + lx * maps[src + y1 * w + x1]!;
        out[dst + i * outW + j] = (1 - ly) * top + ly * bottom;
      }
    }
  }
  return out;
}
