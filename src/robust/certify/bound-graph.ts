/**
 * The bound-propagation graph: a feed-forward network as a list of nodes in topological order, each
 * with one bound rule (IBP forward and CROWN backward side by side, as auto_LiRPA's `operators/` does).
 * Node 0 is the input. Every tensor is one example's activation, shaped [C, H, W]; a flat vector of D
 * values is [D, 1, 1]. Layouts are row-major (C, H, W), the ONNX/PyTorch order.
 */

/** [channels, height, width] of one example's tensor. */
export type Shape3 = readonly [number, number, number];

/** Elementwise interval: lower[i] ≤ value[i] ≤ upper[i]. */
export interface Bounds {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * A rectangle of spatial positions [h0, h1) × [w0, w1), all channels. A backward (CROWN) row is zero
 * outside its window, so convolution rows only touch their receptive field.
 */
export interface Window {
  h0: number;
  h1: number;
  w0: number;
  w1: number;
}

/** What a rule's backward step may ask of the engine. */
export interface BackwardContext {
  /** Bounds of the node's k-th input (pre-activation bounds for ReLU and MaxPool). */
  inputBounds(k: number): Bounds;
  /**
   * The accumulation buffer of the node's k-th input, after widening its window to include `win`.
   * Add this step's coefficients into it; values outside `win` must stay untouched.
   */
  target(k: number, win: Window): Float64Array;
}

/**
 * One op's bound rule. `ibp` maps input intervals to output intervals (Gowal et al. 2018).
 * `backward` takes the coefficients `a` of a linear function of this node's output (zero outside
 * `win`) and writes coefficients over the inputs such that, for every input in the bounds,
 * `Σ a·out ≥ Σ a_in·in + bias` (a lower bound; Zhang et al. 2018); it returns the bias.
 */
export interface BoundRule {
  /** The op name as the user's model spells it (Conv, Gemm, Relu, …). */
  readonly op: string;
  /** True for ops whose CROWN relaxation needs the bounds of their input (ReLU, MaxPool). */
  readonly nonlinear: boolean;
  /** True when each output is a monotone or affine function of one input, so a box maps onto a box. */
  readonly boxPreserving?: boolean;
  ibp(inputs: readonly Bounds[], out: Bounds): void;
  backward(a: Float64Array, win: Window, ctx: BackwardContext): number;
}

export interface BoundNode {
  readonly id: number;
  /** The model's node name (or layer name), for messages. */
  readonly name: string;
  /** Indices of input nodes (empty for the input node). */
  readonly inputs: readonly number[];
  readonly shape: Shape3;
  readonly size: number;
  /** Undefined for the input node. */
  readonly rule?: BoundRule;
}

export interface BoundGraph {
  readonly nodes: readonly BoundNode[];
  /** Index of the node whose bounds are reported (the logits). */
  readonly output: number;
  /** Shape of one example's input as the model takes it, without the batch dimension. */
  readonly inputDims: readonly number[];
  /** Set when the model ends in a Softmax that was skipped: the bounds are on the logits before it. */
  readonly skippedHead?: string;
}

export function shapeSize(shape: Shape3): number {
  return shape[0] * shape[1] * shape[2];
}

/** The window covering a whole tensor. */
export function fullWindow(shape: Shape3): Window {
  return { h0: 0, h1: shape[1], w0: 0, w1: shape[2] };
}

export function emptyBounds(size: number): Bounds {
  return { lower: new Float64Array(size), upper: new Float64Array(size) };
}
