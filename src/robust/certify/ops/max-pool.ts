import type { BackwardContext, Bounds, BoundRule, Window } from '../bound-graph.js';
import { receptiveWindow } from '../window.js';
import type { SlidingGeometry } from './sliding.js';

/** Calls `visit(index)` for each in-range input position of output (c, oh, ow); padding never wins a max. */
function forEachInput(g: SlidingGeometry, c: number, oh: number, ow: number, visit: (index: number) => void): void {
  const [, inH, inW] = g.input;
  for (let i = 0; i < g.kernel[0]; i++) {
    const ih = oh * g.stride[0] - g.padBegin[0] + i * g.dilation[0];
    if (ih < 0 || ih >= inH) continue;
    for (let j = 0; j < g.kernel[1]; j++) {
      const iw = ow * g.stride[1] - g.padBegin[1] + j * g.dilation[1];
      if (iw >= 0 && iw < inW) visit((c * inH + ih) * inW + iw);
    }
  }
}

/**
 * Max pooling. IBP: the max of the lowers and the max of the uppers. CROWN (auto_LiRPA's BoundMaxPool,
 * without optimised slopes): the lower line is x_i* for the input i* with the largest lower bound
 * (max ≥ any input). The upper line is x_i* when i* dominates (l_i* ≥ u_j for all j ≠ i*, so the max
 * is x_i*), else the constant max_j u_j. Overlapping windows are fine: coefficients add up.
 */
export function maxPoolRule(g: SlidingGeometry): BoundRule {
  const scratch: Window = { h0: 0, h1: 0, w0: 0, w1: 0 };
  const [channels, outH, outW] = g.output;
  return {
    op: 'MaxPool',
    nonlinear: true,
    ibp(inputs: readonly Bounds[], out: Bounds): void {
      const { lower, upper } = inputs[0]!;
      for (let c = 0; c < channels; c++) {
        for (let oh = 0; oh < outH; oh++) {
          for (let ow = 0; ow < outW; ow++) {
            let lo = -Infinity;
            let hi = -Infinity;
            forEachInput(g, c, oh, ow, (i) => {
              if (lower[i]! > lo) lo = lower[i]!;
              if (upper[i]! > hi) hi = upper[i]!;
            });
            const o = (c * outH + oh) * outW + ow;
            out.lower[o] = lo;
            out.upper[o] = hi;
          }
        }
      }
    },
    backward(a: Float64Array, win: Window, ctx: BackwardContext): number {
      const { lower, upper } = ctx.inputBounds(0);
      const target = ctx.target(0, receptiveWindow(win, g.input, g.kernel, g.stride, g.padBegin, g.dilation, scratch));
      const [, inH, inW] = g.input;
      const [kh, kw] = g.kernel;
      const [sh, sw] = g.stride;
      const [ph, pw] = g.padBegin;
      const [dh, dw] = g.dilation;
      let bias = 0;
      for (let c = 0; c < channels; c++) {
        for (let oh = win.h0; oh < win.h1; oh++) {
          for (let ow = win.w0; ow < win.w1; ow++) {
            const coef = a[(c * outH + oh) * outW + ow]!;
            if (coef === 0) continue;
            // i* = the input with the largest lower bound; also the largest upper bound, and the largest other upper bound
            let best = -1;
            let bestLower = -Infinity;
            let maxUpper = -Infinity;
            let otherUpper = -Infinity;
            for (let i = 0; i < kh; i++) {
              const ih = oh * sh - ph + i * dh;
              if (ih < 0 || ih >= inH) continue;
              for (let j = 0; j < kw; j++) {
                const iw = ow * sw - pw + j * dw;
                if (iw < 0 || iw >= inW) continue;
                const index = (c * inH + ih) * inW + iw;
                const l = lower[index]!;
                const u = upper[index]!;
                if (l > bestLower) {
                  if (best >= 0 && upper[best]! > otherUpper) otherUpper = upper[best]!;
                  bestLower = l;
                  best = index;
                } else if (u > otherUpper) otherUpper = u;
                if (u > maxUpper) maxUpper = u;
              }
            }
            if (best < 0) continue;
            if (coef > 0 || bestLower >= otherUpper) target[best]! += coef;
            else bias += coef * maxUpper;
          }
        }
      }
      return bias;
    },
  };
}
