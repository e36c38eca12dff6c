/**
 * Direct typed-array implementations of the gradient kernels the tfjs wasm backend lacks, for NHWC
 * data. tfjs's cpu versions go through TensorBuffer.get per element and take seconds per batch; these
 * loops take milliseconds. Accumulation is in float64, stored as float32 (as the cpu backend does).
 */

/** Geometry of a 2-D convolution (from tf.backend_util.computeConv2DInfo). */
export interface ConvGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/**
 * Visits every (output position, filter tap) pair whose input position lies inside the image, in
 * batch/row/column/tap order: `dyBase` and `xBase` are the NHWC offsets of the output and input pixels
 * (times their channel counts), `tap` the filter tap index fr·filterWidth + fc.
 */
function forEachTap(g: ConvGeometry, visit: (dyBase: number, xBase: number, tap: number) => void): void {
  const { inHeight: H, inWidth: W, inChannels: CI, outHeight: OH, outWidth: OW, outChannels: CO } = g;
  for (let b = 0; b < g.batch; b++) {
    for (let r = 0; r < OH; r++) {
      for (let c = 0; c < OW; c++) {
        const dyBase = ((b * OH + r) * OW + c) * CO;
        for (let fr = 0; fr < g.filterHeight; fr++) {
          const xr = r * g.strideHeight + fr * g.dilationHeight - g.padTop;
          if (xr < 0 || xr >= H) continue;
          for (let fc = 0; fc < g.filterWidth; fc++) {
            const xc = c * g.strideWidth + fc * g.dilationWidth - g.padLeft;
            if (xc < 0 || xc >= W) continue;
            visit(dyBase, ((b * H + xr) * W + xc) * CI, fr * g.filterWidth + fc);
          }
        }
      }
    }
  }
}

/** dL/dW of conv2d: dW[fr, fc, ci, co] = Σ x[b, r·s + fr·d − pad, c·s + fc·d − pad, ci] · dy[b, r, c, co]. */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  const { inChannels: CI, outChannels: CO } = g;
  const dw = new Float64Array(g.filterHeight * g.filterWidth * CI * CO);
  forEachTap(g, (dyBase, xBase, tap) => {
    const wBase = tap * CI * CO;
    for (let ci = 0; ci < CI; ci++) {
      const xv = x[xBase + ci]!;
      if (xv === 0) continue;
      const row = wBase + ci * CO;
      for (let co = 0; co < CO; co++) dw[row + co]! += xv * dy[dyBase + co]!;
    }
  });
  return Float32Array.from(dw);
}

/** dL/dW of a depthwise conv2d with channel multiplier m = outChannels / inChannels. */
export function depthwiseBackpropFilter(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  const { inChannels: C, outChannels: CO } = g;
  const m = CO / C;
  const dw = new Float64Array(g.filterHeight * g.filterWidth * CO);
  forEachTap(g, (dyBase, xBase, tap) => {
    const wBase = tap * CO;
    for (let ci = 0; ci < C; ci++) {
      const xv = x[xBase + ci]!;
      for (let q = 0; q < m; q++) dw[wBase + ci * m + q]! += xv * dy[dyBase + ci * m + q]!;
    }
  });
  return Float32Array.from(dw);
}

/** dL/dx of a depthwise conv2d: scatter dy back through the filter. */
export function depthwiseBackpropInput(dy: Float32Array, filter: Float32Array, g: ConvGeometry): Float32Array {
  const { inHeight: H, inWidth: W, inChannels: C, outChannels: CO } = g;
  const m = CO / C;
  const dx = new Float64Array(g.batch * H * W * C);
  forEachTap(g, (dyBase, xBase, tap) => {
    const wBase = tap * CO;
    for (let ci = 0; ci < C; ci++) {
      let sum = 0;
      for (let q = 0; q < m; q++) sum += dy[dyBase + ci * m + q]! * filter[wBase + ci * m + q]!;
      dx[xBase + ci]! += sum;
    }
  });
  return Float32Array.from(dx);
}

/** out[s, …] = Σ_{i: ids[i] = s} x[i, …]; ids outside [0, numSegments) are dropped (as TensorFlow does). */
export function unsortedSegmentSum(x: Float32Array | Int32Array, ids: Int32Array | Float32Array, numSegments: number, rowSize: number): Float64Array {
  const out = new Float64Array(numSegments * rowSize);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const src = i * rowSize;
    const dst = s * rowSize;
    for (let k = 0; k < rowSize; k++) out[dst + k]! += x[src + k]!;
  }
  return out;
}

/** Geometry of a 2-D pooling window (from tf.backend_util.computePool2DInfo). */
export interface PoolGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly effectiveFilterHeight: number;
  readonly effectiveFilterWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/**
 * dL/dx of max pooling: each output's gradient goes to the first maximum of its window in row-major
 * window order (tfjs cpu and TensorFlow's rule; padding never wins). tfjs-wasm 4.22's MaxPoolGrad
 * disagrees with this on all but tiny inputs, so glassbox replaces it.
 */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, g: PoolGeometry): Float32Array {
  const { inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = g;
  const dx = new Float32Array(g.batch * H * W * C);
  for (let b = 0; b < g.batch; b++) {
    for (let r = 0; r < OH; r++) {
      const r0 = r * g.strideHeight - g.padTop;
      for (let c = 0; c < OW; c++) {
        const c0 = c * g.strideWidth - g.padLeft;
        const dyBase = ((b * OH + r) * OW + c) * C;
        for (let ch = 0; ch < C; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let wr = 0; wr < g.effectiveFilterHeight; wr += g.dilationHeight) {
            const xr = r0 + wr;
            if (xr < 0 || xr >= H) continue;
            for (let wc = 0; wc < g.effectiveFilterWidth; wc += g.dilationWidth) {
              const xc = c0 + wc;
              if (xc < 0 || xc >= W) continue;
              const index = ((b * H + xr) * W + xc) * C + ch;
              const v = x[index]!;
              if (v > best) {
                best = v;
                at = index;
              }
            }
          }
          if (at >= 0) dx[at]! += dy[dyBase + ch]!;
        }
      }
    }
  }
  return dx;
}
