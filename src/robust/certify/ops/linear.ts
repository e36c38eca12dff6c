import type { BackwardContext, Bounds, BoundRule, Window } from '../bound-graph.js';

export interface LinearParams {
  /** [outputs, inputs], row-major: out[k] = Σ_d weight[k·D + d]·in[d] + bias[k]. */
  readonly weight: Float64Array;
  readonly bias?: Float64Array;
  readonly inputs: number;
  readonly outputs: number;
}

/**
 * A dense layer (ONNX Gemm, MatMul; TF.js dense). IBP: centre through W, radius through |W|, which is
 * exact for one affine layer. CROWN: coefficients a become aᵀW, the bias gains a·b.
 */
export function linearRule(p: LinearParams, op = 'Gemm'): BoundRule {
  const { weight, bias, inputs: D, outputs: K } = p;
  return {
    op,
    nonlinear: false,
    ibp(inputs: readonly Bounds[], out: Bounds): void {
      const { lower, upper } = inputs[0]!;
      for (let k = 0; k < K; k++) {
        let mid = bias ? bias[k]! : 0;
        let spread = 0;
        const row = k * D;
        for (let d = 0; d < D; d++) {
          const w = weight[row + d]!;
          mid += (w * (lower[d]! + upper[d]!)) / 2;
          spread += (Math.abs(w) * (upper[d]! - lower[d]!)) / 2;
        }
        out.lower[k] = mid - spread;
        out.upper[k] = mid + spread;
      }
    },
    backward(a: Float64Array, _win: Window, ctx: BackwardContext): number {
      const target = ctx.target(0, { h0: 0, h1: 1, w0: 0, w1: 1 });
      let b = 0;
      for (let k = 0; k < K; k++) {
        const coef = a[k]!;
        if (coef === 0) continue;
        if (bias) b += coef * bias[k]!;
        const row = k * D;
        for (let d = 0; d < D; d++) target[d]! += coef * weight[row + d]!;
      }
      return b;
    },
  };
}
