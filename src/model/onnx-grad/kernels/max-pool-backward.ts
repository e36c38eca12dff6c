/**
 * Max-pool backward on NHWC float32 data, routing each output gradient to the first maximum of its
 * window in row-major scan order (PyTorch's and tfjs-cpu's rule). Replaces tfjs-wasm's MaxPoolGrad,
 * which disagrees with the cpu backend (checked in max-pool-backward.test.ts).
 * The input must already hold any padding (pad with −∞); windows are `valid`.
 */
export function maxPoolBackward(
  x: Float32Array,
  dy: Float32Array,
  shape: readonly [number, number, number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
): Float32Array {
  const [n, h, w, c] = shape;
  const oh = Math.floor((h - kernel[0]) / strides[0]) + 1;
  const ow = Math.floor((w - kernel[1]) / strides[1]) + 1;
  const dx = new Float32Array(x.length);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const outBase = ((b * oh + i) * ow + j) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -1;
          let bestValue = Number.NEGATIVE_INFINITY;
          for (let ki = 0; ki < kernel[0]; ki++) {
            const row = (b * h + i * strides[0] + ki) * w;
            for (let kj = 0; kj < kernel[1]; kj++) {
              const idx = (row + j * strides[1] + kj) * c + ch;
              const v = x[idx]!;
              if (best < 0 || v > bestValue || Number.isNaN(v)) {
                best = idx;
                bestValue = v;
                if (Number.isNaN(v)) break;
              }
            }
          }
          dx[best]! += dy[outBase + ch]!;
        }
      }
    }
  }
  return dx;
}
