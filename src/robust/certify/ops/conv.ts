import type { BackwardContext, Bounds, BoundRule, Window } from '../bound-graph.js';
import { receptiveWindow } from '../window.js';
import type { SlidingGeometry } from './sliding.js';

export interface ConvParams extends SlidingGeometry {
  /** [outChannels, inChannels / groups, kh, kw] */
  readonly weight: Float64Array;
  /** [outChannels], or undefined for no bias. */
  readonly bias?: Float64Array;
  readonly groups: number;
}

/**
 * 2-D convolution. IBP: centre through W, radius through |W| (Gowal et al. 2018). CROWN: the
 * transposed convolution of the coefficients over the row's receptive field, plus Σ a·bias.
 */
export function convRule(p: ConvParams, op = 'Conv'): BoundRule {
  const scratch: Window = { h0: 0, h1: 0, w0: 0, w1: 0 };
  const absWeight = p.weight.map(Math.abs);
  return {
    op,
    nonlinear: false,
    ibp(inputs: readonly Bounds[], out: Bounds): void {
      const { lower, upper } = inputs[0]!;
      const centre = new Float64Array(lower.length);
      const radius = new Float64Array(lower.length);
      for (let i = 0; i < lower.length; i++) {
        centre[i] = (lower[i]! + upper[i]!) / 2;
        radius[i] = (upper[i]! - lower[i]!) / 2;
      }
      const mid = new Float64Array(out.lower.length);
      const spread = new Float64Array(out.lower.length);
      convolve(p, p.weight, centre, mid, true);
      convolve(p, absWeight, radius, spread, false);
      for (let i = 0; i < mid.length; i++) {
        out.lower[i] = mid[i]! - spread[i]!;
        out.upper[i] = mid[i]! + spread[i]!;
      }
    },
    backward(a: Float64Array, win: Window, ctx: BackwardContext): number {
      return convTranspose(p, a, win, ctx.target(0, receptiveWindow(win, p.input, p.kernel, p.stride, p.padBegin, p.dilation, scratch)));
    },
  };
}

/** out = conv(x, w) (+ bias when asked), one example in C,H,W layout. */
export function convolve(p: ConvParams, w: Float64Array, x: Float64Array, out: Float64Array, withBias: boolean): void {
  const [inC, inH, inW] = p.input;
  const [outC, outH, outW] = p.output;
  const [kh, kw] = p.kernel;
  const inPerGroup = inC / p.groups;
  const outPerGroup = outC / p.groups;
  for (let o = 0; o < outC; o++) {
    const group = Math.floor(o / outPerGroup);
    const b = withBias && p.bias ? p.bias[o]! : 0;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        let sum = b;
        for (let ci = 0; ci < inPerGroup; ci++) {
          const c = group * inPerGroup + ci;
          for (let i = 0; i < kh; i++) {
            const ih = oh * p.stride[0] - p.padBegin[0] + i * p.dilation[0];
            if (ih < 0 || ih >= inH) continue;
            const wRow = ((o * inPerGroup + ci) * kh + i) * kw;
            const xRow = (c * inH + ih) * inW;
            for (let j = 0; j < kw; j++) {
              const iw = ow * p.stride[1] - p.padBegin[1] + j * p.dilation[1];
              if (iw < 0 || iw >= inW) continue;
              sum += w[wRow + j]! * x[xRow + iw]!;
            }
          }
        }
        out[(o * outH + oh) * outW + ow] = sum;
      }
    }
  }
}

/** Kernel taps [lo, hi) whose input position `out·stride − pad + tap·dilation` lies in [0, size). */
function tapRange(out: number, stride: number, pad: number, dilation: number, kernel: number, size: number): [number, number] {
  const base = out * stride - pad;
  const lo = base >= 0 ? 0 : Math.ceil(-base / dilation);
  const hi = Math.min(kernel, Math.ceil((size - base) / dilation));
  return [lo, hi];
}

function convTranspose(p: ConvParams, a: Float64Array, win: Window, target: Float64Array): number {
  const [inC, inH, inW] = p.input;
  const [outC, outH, outW] = p.output;
  const [kh, kw] = p.kernel;
  const [sh, sw] = p.stride;
  const [ph, pw] = p.padBegin;
  const [dh, dw] = p.dilation;
  const inPerGroup = inC / p.groups;
  const outPerGroup = outC / p.groups;
  const weight = p.weight;
  let bias = 0;
  for (let oh = win.h0; oh < win.h1; oh++) {
    const [i0, i1] = tapRange(oh, sh, ph, dh, kh, inH);
    for (let ow = win.w0; ow < win.w1; ow++) {
      const [j0, j1] = tapRange(ow, sw, pw, dw, kw, inW);
      const ihBase = oh * sh - ph;
      const iwBase = ow * sw - pw;
      for (let o = 0; o < outC; o++) {
        const coef = a[(o * outH + oh) * outW + ow]!;
        if (coef === 0) continue;
        if (p.bias) bias += coef * p.bias[o]!;
        const group = Math.floor(o / outPerGroup);
        for (let ci = 0; ci < inPerGroup; ci++) {
          const c = group * inPerGroup + ci;
          for (let i = i0; i < i1; i++) {
            const wRow = ((o * inPerGroup + ci) * kh + i) * kw;
            const xRow = (c * inH + ihBase + i * dh) * inW + iwBase;
            for (let j = j0; j < j1; j++) target[xRow + j * dw]! += coef * weight[wRow + j]!;
          }
        }
      }
    }
  }
  return bias;
}
