import type { BackwardContext, Bounds, BoundRule, Window } from '../bound-graph.js';
import { receptiveWindow } from '../window.js';
import type { SlidingGeometry } from './sliding.js';

export interface AveragePoolParams extends SlidingGeometry {
  /** ONNX count_include_pad: divide by the kernel area (1) or by the in-range positions (0). */
  readonly countIncludePad: boolean;
}

/** Average pooling: a linear map with non-negative weights, so IBP averages the lowers and the uppers. */
export function averagePoolRule(p: AveragePoolParams): BoundRule {
  const scratch: Window = { h0: 0, h1: 0, w0: 0, w1: 0 };
  const [channels, outH, outW] = p.output;
  const [, inH, inW] = p.input;
  const each = (c: number, oh: number, ow: number, visit: (index: number, weight: number) => void): void => {
    const positions: number[] = [];
    for (let i = 0; i < p.kernel[0]; i++) {
      const ih = oh * p.stride[0] - p.padBegin[0] + i * p.dilation[0];
      if (ih < 0 || ih >= inH) continue;
      for (let j = 0; j < p.kernel[1]; j++) {
        const iw = ow * p.stride[1] - p.padBegin[1] + j * p.dilation[1];
        if (iw >= 0 && iw < inW) positions.push((c * inH + ih) * inW + iw);
      }
    }
    const divisor = p.countIncludePad ? p.kernel[0] * p.kernel[1] : positions.length;
    for (const index of positions) visit(index, 1 / divisor);
  };
  return {
    op: 'AveragePool',
    nonlinear: false,
    ibp(inputs: readonly Bounds[], out: Bounds): void {
      const { lower, upper } = inputs[0]!;
      for (let c = 0; c < channels; c++) {
        for (let oh = 0; oh < outH; oh++) {
          for (let ow = 0; ow < outW; ow++) {
            let lo = 0;
            let hi = 0;
            each(c, oh, ow, (i, w) => {
              lo += w * lower[i]!;
              hi += w * upper[i]!;
            });
            const o = (c * outH + oh) * outW + ow;
            out.lower[o] = lo;
            out.upper[o] = hi;
          }
        }
      }
    },
    backward(a: Float64Array, win: Window, ctx: BackwardContext): number {
      const target = ctx.target(0, receptiveWindow(win, p.input, p.kernel, p.stride, p.padBegin, p.dilation, scratch));
      for (let c = 0; c < channels; c++) {
        for (let oh = win.h0; oh < win.h1; oh++) {
          for (let ow = win.w0; ow < win.w1; ow++) {
            const coef = a[(c * outH + oh) * outW + ow]!;
            if (coef !== 0) each(c, oh, ow, (i, w) => (target[i]! += coef * w));
          }
        }
      }
      return 0;
    },
  };
}
