import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { Tensor } from '../../model/tensor.js';
import type { Bounds, BoundGraph } from './bound-graph.js';
import { crownPlan, propagateBounds, type BoundMethod } from './propagate.js';

export interface CertifyOptions {
  readonly method: BoundMethod;
  /** L∞ radius of the input box. */
  readonly epsilon: number;
  /** Valid input range the box is clipped to; `null` for no clipping. Default [0, 1]. */
  readonly clip?: readonly [number, number] | null;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Bounds and certificates for n examples with K logits; matrices are n × K, row-major. */
export interface CertifyResult {
  readonly method: BoundMethod;
  readonly epsilon: number;
  readonly clip: readonly [number, number] | null;
  readonly rows: number;
  readonly classes: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /**
   * Per row, a lower bound of min_{j≠y} logit_y − logit_j over the box: IBP uses lower[y] − upper[j];
   * CROWN bounds each difference directly (margin specification). Certified iff it is > 0.
   */
  readonly margin: Float64Array;
  readonly certified: Uint8Array;
  readonly certifiedAccuracy: number;
  /** Set when the model's Softmax was skipped: the bounds are on the logits before it. */
  readonly skippedHead?: string;
  readonly seconds: number;
}

/** The L∞ box [clip(x − ε), clip(x + ε)] around one example. */
export function inputBox(x: ArrayLike<number>, epsilon: number, clip: readonly [number, number] | null): Bounds {
  const lower = new Float64Array(x.length);
  const upper = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    lower[i] = clip ? Math.min(clip[1], Math.max(clip[0], v - epsilon)) : v - epsilon;
    upper[i] = clip ? Math.min(clip[1], Math.max(clip[0], v + epsilon)) : v + epsilon;
  }
  return { lower, upper };
}

/**
 * Certified robustness of a ReLU network around each example: IBP (Gowal et al. 2018, "On the
 * effectiveness of interval bound propagation") or CROWN (Zhang et al. 2018, "Efficient neural network
 * robustness certification with general activation functions", as in auto_LiRPA). An example is
 * certified when no input in its L∞ ε-box changes the prediction from its label. Bounds are computed
 * in float64 for the network with its stored weights taken as exact.
 */
export async function certifyRobustness(graph: BoundGraph, x: Tensor, labels: ArrayLike<number>, options: CertifyOptions): Promise<CertifyResult> {
  const started = performance.now();
  const clip = options.clip === undefined ? ([0, 1] as const) : options.clip;
  validate(graph, x, labels, options, clip);
  const n = x.shape[0]!;
  const size = graph.nodes[0]!.size;
  const K = graph.nodes[graph.output]!.size;
  const lower = new Float64Array(n * K);
  const upper = new Float64Array(n * K);
  const margin = new Float64Array(n);
  const certified = new Uint8Array(n);
  const plan = crownPlan(graph);
  for (let r = 0; r < n; r++) {
    throwIfAborted(options.signal);
    const box = inputBox(x.data.subarray(r * size, (r + 1) * size), options.epsilon, clip);
    const label = labels[r]!;
    const out = propagateBounds(graph, box, options.method, plan, label);
    lower.set(out.lower, r * K);
    upper.set(out.upper, r * K);
    let worst = Infinity;
    for (let j = 0; j < K; j++) if (j !== label && out.margins![j]! < worst) worst = out.margins![j]!;
    margin[r] = worst;
    certified[r] = worst > 0 ? 1 : 0;
    options.onProgress?.(r + 1, n);
    // let a cancellation or a progress redraw through between examples
    if ((r & 3) === 3) await new Promise((resolve) => setImmediate(resolve));
  }
  throwIfAborted(options.signal);
  const count = certified.reduce((a, b) => a + b, 0);
  return {
    method: options.method,
    epsilon: options.epsilon,
    clip,
    rows: n,
    classes: K,
    lower,
    upper,
    margin,
    certified,
    certifiedAccuracy: n ? count / n : Number.NaN,
    ...(graph.skippedHead ? { skippedHead: graph.skippedHead } : {}),
    seconds: (performance.now() - started) / 1000,
  };
}

function validate(graph: BoundGraph, x: Tensor, labels: ArrayLike<number>, options: CertifyOptions, clip: readonly [number, number] | null): void {
  if (!(options.epsilon >= 0) || !Number.isFinite(options.epsilon)) {
    throw new GlassboxError('invalid_argument', `--epsilon must be a finite number ≥ 0, got ${options.epsilon}.`, { argument: '--epsilon', hint: 'For images in [0, 1], try 0.01.' });
  }
  if (clip && !(clip[0] < clip[1])) throw new GlassboxError('invalid_argument', `--clip must be min,max with min < max, got ${clip.join(',')}.`, { argument: '--clip', hint: 'Use --clip 0,1 for images in [0, 1].' });
  const dims = x.shape.slice(1);
  if (dims.length !== graph.inputDims.length || dims.some((d, i) => d !== graph.inputDims[i])) {
    throw new GlassboxError('shape_mismatch', `The data rows are [${dims.join(', ')}] but the bound graph was built for [${graph.inputDims.join(', ')}].`, { hint: 'Reshape the data to the model input shape.' });
  }
  const n = x.shape[0]!;
  if (labels.length !== n) throw new GlassboxError('shape_mismatch', `There are ${labels.length} labels for ${n} data rows.`, { argument: '--labels', hint: 'Give one label per data row.' });
  const K = graph.nodes[graph.output]!.size;
  for (let r = 0; r < n; r++) {
    const y = labels[r]!;
    if (!Number.isInteger(y) || y < 0 || y >= K) {
      throw new GlassboxError('invalid_input', `Label ${y} of data row ${r} (0-based) is not a class index in [0, ${K}).`, { row: r, argument: '--labels', hint: 'Labels must be integer class indices of the logits.' });
    }
  }
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i]!)) {
      const row = Math.floor(i / (x.data.length / n));
      throw new GlassboxError('invalid_input', `Data row ${row} (0-based) holds a non-finite value.`, { row, hint: 'Remove or impute NaN/Infinity before certifying.' });
    }
  }
}
