import type { BackwardContext, Bounds, BoundRule, Shape3, Window } from '../bound-graph.js';

/**
 * y = scale ⊙ x + shift with constant per-element scale and shift: BatchNormalization in eval mode
 * (scale = γ/√(σ²+ε), shift = β − μ·scale), and Add/Sub/Mul/Div by a constant. Exact under IBP.
 */
export function elementwiseAffineRule(op: string, shape: Shape3, scale: Float64Array, shift: Float64Array): BoundRule {
  const [channels, height, width] = shape;
  return {
    op,
    nonlinear: false,
    boxPreserving: true,
    ibp(inputs: readonly Bounds[], out: Bounds): void {
      const { lower, upper } = inputs[0]!;
      for (let i = 0; i < lower.length; i++) {
        const s = scale[i]!;
        const lo = s * lower[i]! + shift[i]!;
        const hi = s * upper[i]! + shift[i]!;
        out.lower[i] = s >= 0 ? lo : hi;
        out.upper[i] = s >= 0 ? hi : lo;
      }
    },
    backward(a: Float64Array, win: Window, ctx: BackwardContext): number {
      const target = ctx.target(0, win);
      let bias = 0;
      for (let c = 0; c < channels; c++) {
        for (let h = win.h0; h < win.h1; h++) {
          const row = (c * height + h) * width;
          for (let i = row + win.w0; i < row + win.w1; i++) {
            const coef = a[i]!;
            if (coef === 0) continue;
            target[i]! += coef * scale[i]!;
            bias += coef * shift[i]!;
          }
        }
      }
      return bias;
    },
  };
}

/** Sum (or difference, sign −1 on the second input) of two tensors of the same shape. */
export function addRule(shape: Shape3, sign: 1 | -1, op = sign > 0 ? 'Add' : 'Sub'): BoundRule {
  const [channels, height, width] = shape;
  return {
    op,
    nonlinear: false,
    ibp(inputs: readonly Bounds[], out: Bounds): void {
      const x = inputs[0]!;
      const y = inputs[1]!;
      for (let i = 0; i < x.lower.length; i++) {
        out.lower[i] = x.lower[i]! + (sign > 0 ? y.lower[i]! : -y.upper[i]!);
        out.upper[i] = x.upper[i]! + (sign > 0 ? y.upper[i]! : -y.lower[i]!);
      }
    },
    backward(a: Float64Array, win: Window, ctx: BackwardContext): number {
      const first = ctx.target(0, win);
      // both inputs may be the same node (x + x): take each buffer only after the other is written
      for (let c = 0; c < channels; c++) {
        for (let h = win.h0; h < win.h1; h++) {
          const row = (c * height + h) * width;
          for (let i = row + win.w0; i < row + win.w1; i++) first[i]! += a[i]!;
        }
      }
      const second = ctx.target(1, win);
      for (let c = 0; c < channels; c++) {
        for (let h = win.h0; h < win.h1; h++) {
          const row = (c * height + h) * width;
          for (let i = row + win.w0; i < row + win.w1; i++) second[i]! += sign * a[i]!;
        }
      }
      return 0;
    },
  };
}
