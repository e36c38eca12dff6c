/**
 * IEEE 754 binary16 bits of float32 values, rounded to nearest even (as numpy's astype(float16)). This is
 * the encoding of TF.js's `quantization: { dtype: 'float16' }` weights, which tfjs decodes on load.
 */
export function float32ToFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i]!;
    const x = u32[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf or NaN
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00; // overflow → Inf
    } else if (e <= 0) {
      if (e < -10) {
        out[i] = sign; // underflow → ±0
        continue;
      }
      mantissa |= 0x800000;
      const shift = 14 - e;
      const half = 1 << (shift - 1);
      let m = mantissa >>> shift;
      const rest = mantissa & ((1 << shift) - 1);
      if (rest > half || (rest === half && (m & 1))) m += 1;
      out[i] = sign | m;
    } else {
      let h = (e << 10) | (mantissa >>> 13);
      const rest = mantissa & 0x1fff;
      if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h += 1; // may carry into the exponent, which is right
      out[i] = sign | h;
    }
  }
  return out;
}
