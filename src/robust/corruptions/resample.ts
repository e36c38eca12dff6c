/**
 * Resampling on one plane: scipy.ndimage.zoom with linear interpolation (order=1, as `clipped_zoom` in
 * the reference uses it) and PIL's box filter (Image.resize(..., BOX), as `pixelate` uses it).
 */

/** Source coordinates and weights of a 1-D resampling: out[j] = (1−f)·in[i0] + f·in[i0+1]. */
export interface LinearMap {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly f: Float64Array;
}

/**
 * One axis of the reference's `clipped_zoom(img, z)`: crop the centred ceil(n/z) pixels, zoom them with
 * scipy's order-1 zoom to round(ceil(n/z)·z) (scipy maps output j to input j·(m−1)/(out−1)), and keep
 * the centred n of them. Returns, for each of the n kept pixels, where it reads in the original axis.
 */
export function clippedZoomAxis(n: number, zoom: number): LinearMap {
  const crop = Math.ceil(n / zoom);
  const top = Math.floor((n - crop) / 2);
  const zoomed = Math.round(crop * zoom);
  const trim = Math.floor((zoomed - n) / 2);
  const step = zoomed > 1 ? (crop - 1) / (zoomed - 1) : 0;
  const i0 = new Int32Array(n);
  const i1 = new Int32Array(n);
  const f = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const position = (j + trim) * step;
    const base = Math.min(Math.floor(position), crop - 1);
    i0[j] = top + base;
    i1[j] = top + Math.min(base + 1, crop - 1);
    f[j] = position - base;
  }
  return { i0, i1, f };
}

/** Adds `weight` · bilinear(src along rows map, columns map) into `out` (one plane). */
export function addBilinear(src: ArrayLike<number>, w: number, rows: LinearMap, cols: LinearMap, weight: number, out: Float64Array): void {
  const h = rows.i0.length;
  const width = cols.i0.length;
  for (let y = 0; y < h; y++) {
    const fy = rows.f[y]!;
    const r0 = rows.i0[y]! * w;
    const r1 = rows.i1[y]! * w;
    const wy0 = (1 - fy) * weight;
    const wy1 = fy * weight;
    const o = y * width;
    for (let x = 0; x < width; x++) {
      const c0 = cols.i0[x]!;
      const c1 = cols.i1[x]!;
      const fx = cols.f[x]!;
      const top = src[r0 + c0]! + fx * (src[r0 + c1]! - src[r0 + c0]!);
      const bottom = src[r1 + c0]! + fx * (src[r1 + c1]! - src[r1 + c0]!);
      out[o + x]! += wy0 * top + wy1 * bottom;
    }
  }
}

/** Sparse 1-D weights: output j reads in[start[j] .. start[j]+count[j]) with weights[offset[j] ..]. */
interface BoxWeights {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly offset: Int32Array;
  readonly weights: Float64Array;
}

/** PIL's precompute_coeffs for the BOX filter (support 0.5, widened by the scale when shrinking). */
function boxWeights(inSize: number, outSize: number): BoxWeights {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 0.5 * filterScale;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const offset = new Int32Array(outSize);
  const list: number[] = [];
  for (let j = 0; j < outSize; j++) {
    const center = (j + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    start[j] = lo;
    offset[j] = list.length;
    let total = 0;
    const first = list.length;
    for (let i = lo; i < hi; i++) {
      const u = (i - center + 0.5) / filterScale;
      const value = u >= -0.5 && u < 0.5 ? 1 : 0;
      list.push(value);
      total += value;
    }
    for (let k = first; k < list.length; k++) list[k] = total > 0 ? list[k]! / total : 0;
    count[j] = hi - lo;
  }
  return { start, count, offset, weights: Float64Array.from(list) };
}

/** PIL Image.resize((outW, outH), BOX) of one float plane (no 8-bit rounding between passes). */
export function boxResize(src: ArrayLike<number>, h: number, w: number, outH: number, outW: number): Float64Array {
  const wx = boxWeights(w, outW);
  const wy = boxWeights(h, outH);
  const horizontal = new Float64Array(h * outW);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < outW; x++) {
      let acc = 0;
      const s = y * w + wx.start[x]!;
      const o = wx.offset[x]!;
      for (let k = 0; k < wx.count[x]!; k++) acc += wx.weights[o + k]! * src[s + k]!;
      horizontal[y * outW + x] = acc;
    }
  }
  const out = new Float64Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    const o = wy.offset[y]!;
    for (let k = 0; k < wy.count[y]!; k++) {
      const weight = wy.weights[o + k]!;
      if (weight === 0) continue;
      const row = (wy.start[y]! + k) * outW;
      for (let x = 0; x < outW; x++) out[y * outW + x]! += weight * horizontal[row + x]!;
    }
  }
  return out;
}
