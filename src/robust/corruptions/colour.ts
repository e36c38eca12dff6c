/**
 * Colour-space steps for any channel count. Channels 0–2 are RGB when an image has three or more
 * channels; every other channel (and every channel of a grey or two-channel image) is a grey plane, for
 * which HSV value is the intensity itself — so brightness on grey is clip(x + c), exactly what MNIST-C's
 * gray2rgb → HSV → rgb2gray round trip gives.
 */

/** OpenCV's RGB2GRAY luminance (0.299 R + 0.587 G + 0.114 B) for RGB images; the mean of the planes otherwise. */
export function luminance(data: Float32Array, channels: number, size: number): Float64Array {
  const out = new Float64Array(size);
  if (channels >= 3) {
    for (let i = 0; i < size; i++) out[i] = 0.299 * data[i]! + 0.587 * data[size + i]! + 0.114 * data[2 * size + i]!;
    return out;
  }
  for (let c = 0; c < channels; c++) for (let i = 0; i < size; i++) out[i]! += data[c * size + i]! / channels;
  return out;
}

/**
 * brightness: HSV value + shift, clipped to 1 (skimage rgb2hsv → hsv2rgb). Hue and saturation are
 * kept, and RGB is linear in V for fixed H and S, so each RGB pixel is scaled by V'/V (black becomes
 * grey V'). Grey planes get clip(x + shift).
 */
export function brightenPlanes(data: Float32Array, channels: number, size: number, shift: number): Float32Array {
  const out = new Float32Array(data.length);
  let first = 0;
  if (channels >= 3) {
    first = 3;
    for (let i = 0; i < size; i++) {
      const r = data[i]!;
      const g = data[size + i]!;
      const b = data[2 * size + i]!;
      const v = Math.max(r, g, b);
      const target = Math.min(1, v + shift);
      if (v <= 0) {
        out[i] = out[size + i] = out[2 * size + i] = target;
        continue;
      }
      const k = target / v;
      out[i] = Math.min(1, r * k);
      out[size + i] = Math.min(1, g * k);
      out[2 * size + i] = Math.min(1, b * k);
    }
  }
  for (let i = first * size; i < data.length; i++) out[i] = Math.min(1, Math.max(0, data[i]! + shift));
  return out;
}
