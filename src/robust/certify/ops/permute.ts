import type { BackwardContext, Bounds, BoundRule, Shape3, Window } from '../bound-graph.js';

/** out[i] = in[source[i]]: a layout change (channels-last → channels-first, channels-last flatten order). */
export function permuteRule(op: string, input: Shape3, source: Int32Array): BoundRule {
  return {
    op,
    nonlinear: false,
    boxPreserving: true,
    ibp(inputs: readonly Bounds[], out: Bounds): void {
      const { lower, upper } = inputs[0]!;
      for (let i = 0; i < source.length; i++) {
        out.lower[i] = lower[source[i]!]!;
        out.upper[i] = upper[source[i]!]!;
      }
    },
    backward(a: Float64Array, _win: Window, ctx: BackwardContext): number {
      const target = ctx.target(0, { h0: 0, h1: input[1], w0: 0, w1: input[2] });
      for (let i = 0; i < source.length; i++) if (a[i] !== 0) target[source[i]!]! += a[i]!;
      return 0;
    },
  };
}

/** Index map from a [C, H, W] tensor to its channels-last order (h, w, c): out[(h·W + w)·C + c] = in[(c·H + h)·W + w]. */
export function channelsLastOrder([channels, height, width]: Shape3): Int32Array {
  const source = new Int32Array(channels * height * width);
  for (let h = 0; h < height; h++) for (let w = 0; w < width; w++) for (let c = 0; c < channels; c++) source[(h * width + w) * channels + c] = (c * height + h) * width + w;
  return source;
}

/** Index map from a channels-last [H, W, C] tensor to [C, H, W]: out[(c·H + h)·W + w] = in[(h·W + w)·C + c]. */
export function channelsFirstOrder([channels, height, width]: Shape3): Int32Array {
  const source = new Int32Array(channels * height * width);
  for (let c = 0; c < channels; c++) for (let h = 0; h < height; h++) for (let w = 0; w < width; w++) source[(c * height + h) * width + w] = (h * width + w) * channels + c;
  return source;
}
