import type { BackwardContext, Bounds, BoundRule, Shape3, Window } from '../bound-graph.js';

/** Constant-mode Pad over H and W: padded cells hold `value`, the rest copy the input. */
export function padRule(input: Shape3, output: Shape3, top: number, left: number, value: number): BoundRule {
  const [channels, inH, inW] = input;
  const [, outH, outW] = output;
  return {
    op: 'Pad',
    nonlinear: false,
    boxPreserving: true,
    ibp(inputs: readonly Bounds[], out: Bounds): void {
      const { lower, upper } = inputs[0]!;
      out.lower.fill(value);
      out.upper.fill(value);
      for (let c = 0; c < channels; c++) {
        for (let h = 0; h < inH; h++) {
          const from = (c * inH + h) * inW;
          const to = (c * outH + h + top) * outW + left;
          out.lower.set(lower.subarray(from, from + inW), to);
          out.upper.set(upper.subarray(from, from + inW), to);
        }
      }
    },
    backward(a: Float64Array, win: Window, ctx: BackwardContext): number {
      const inWin = {
        h0: Math.max(0, win.h0 - top),
        h1: Math.min(inH, win.h1 - top),
        w0: Math.max(0, win.w0 - left),
        w1: Math.min(inW, win.w1 - left),
      };
      const target = inWin.h1 > inWin.h0 && inWin.w1 > inWin.w0 ? ctx.target(0, inWin) : undefined;
      let bias = 0;
      for (let c = 0; c < channels; c++) {
        for (let h = win.h0; h < win.h1; h++) {
          for (let w = win.w0; w < win.w1; w++) {
            const coef = a[(c * outH + h) * outW + w]!;
            if (coef === 0) continue;
            const ih = h - top;
            const iw = w - left;
            if (target && ih >= 0 && ih < inH && iw >= 0 && iw < inW) target[(c * inH + ih) * inW + iw]! += coef;
            else bias += coef * value;
          }
        }
      }
      return bias;
    },
  };
}

/** Flatten / Reshape: the same values in the same row-major order under a new shape. */
export function reshapeRule(op: string, input: Shape3): BoundRule {
  return {
    op,
    nonlinear: false,
    boxPreserving: true,
    ibp(inputs: readonly Bounds[], out: Bounds): void {
      out.lower.set(inputs[0]!.lower);
      out.upper.set(inputs[0]!.upper);
    },
    backward(a: Float64Array, _win: Window, ctx: BackwardContext): number {
      const target = ctx.target(0, { h0: 0, h1: input[1], w0: 0, w1: input[2] });
      for (let i = 0; i < a.length; i++) target[i]! += a[i]!;
      return 0;
    },
  };
}
