import type { BackwardContext, Bounds, BoundRule, Shape3, Window } from '../bound-graph.js';

/**
 * ReLU. IBP: [max(l,0), max(u,0)]. CROWN (Zhang et al. 2018, auto_LiRPA's "adaptive" option): for an
 * unstable neuron (l < 0 < u) the upper line is u(x − l)/(u − l); the lower line is x when u > −l and
 * 0 otherwise. A positive coefficient takes the lower line, a negative one the upper line.
 */
export function reluRule(shape: Shape3): BoundRule {
  const [channels, height, width] = shape;
  return {
    op: 'Relu',
    nonlinear: true,
    boxPreserving: true,
    ibp(inputs: readonly Bounds[], out: Bounds): void {
      const { lower, upper } = inputs[0]!;
      for (let i = 0; i < lower.length; i++) {
        out.lower[i] = lower[i]! > 0 ? lower[i]! : 0;
        out.upper[i] = upper[i]! > 0 ? upper[i]! : 0;
      }
    },
    backward(a: Float64Array, win: Window, ctx: BackwardContext): number {
      const { lower, upper } = ctx.inputBounds(0);
      const target = ctx.target(0, win);
      let bias = 0;
      for (let c = 0; c < channels; c++) {
        for (let h = win.h0; h < win.h1; h++) {
          const row = (c * height + h) * width;
          for (let i = row + win.w0; i < row + win.w1; i++) {
            const coef = a[i]!;
            if (coef === 0) continue;
            const l = lower[i]!;
            const u = upper[i]!;
            if (l >= 0) target[i]! += coef;
            else if (u <= 0) continue;
            else if (coef > 0) {
              if (u > -l) target[i]! += coef;
            } else {
              const slope = u / (u - l);
              target[i]! += coef * slope;
              bias -= coef * slope * l;
            }
          }
        }
      }
      return bias;
    },
  };
}
