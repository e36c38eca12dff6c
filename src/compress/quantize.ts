import { GlassboxError } from '../errors.js';
import type { NamedWeights } from '../model/capabilities.js';
import type { Tensor } from '../model/tensor.js';
import { selectWeights } from './prunable.js';

export interface QuantizeOptions {
  /** Integer width (default 8): values q ∈ [−(2^(b−1) − 1), 2^(b−1) − 1], symmetric around 0. */
  readonly bits?: number;
  /** 'per-tensor' (default): one scale per tensor; 'per-channel': one scale per output channel. */
  readonly granularity?: 'per-tensor' | 'per-channel';
  /** Output channel axis for per-channel scales: 'first' (ONNX/PyTorch [out, …]) or 'last' (TF.js kernels [… , out]). */
  readonly channelAxis?: 'first' | 'last';
  readonly parameters?: readonly string[];
}

export interface QuantizedWeight {
  readonly name: string;
  /** One scale (per-tensor) or one per output channel. */
  readonly scales: Float32Array;
  /** Largest |w − ŵ| in the tensor; at most scale/2 of the weight's channel. */
  readonly maxError: number;
  /** Root mean squared error of the tensor. */
  readonly rmse: number;
}

export interface QuantizeResult {
  /** The quantized weights in float (ŵ = q·scale), for setWeights. */
  readonly weights: Map<string, Tensor>;
  readonly quantized: readonly QuantizedWeight[];
  readonly bits: number;
  readonly granularity: 'per-tensor' | 'per-channel';
}

/**
 * Symmetric linear quantization simulated in float ("fake quantization", Jacob et al. 2018; Krishnamoorthi
 * 2018): scale = max|w| / (2^(b−1) − 1) over the tensor or each output channel, q = clamp(round(w/scale)),
 * ŵ = q·scale. So |w − ŵ| ≤ scale/2, and a zero stays exactly 0. The model keeps float32 weights and runs
 * unchanged; only the values an int8 deployment could represent remain.
 */
export function quantizeWeights(weights: NamedWeights, options: QuantizeOptions = {}): QuantizeResult {
  const bits = options.bits ?? 8;
  if (!(Number.isInteger(bits) && bits >= 2 && bits <= 16)) throw new GlassboxError('invalid_argument', `bits must be an integer in [2, 16] (got ${bits}).`, { argument: '--bits', hint: 'e.g. --bits 8 for int8.' });
  const granularity = options.granularity ?? 'per-tensor';
  if (granularity === 'per-channel' && !options.channelAxis) throw new GlassboxError('invalid_argument', 'Per-channel quantization needs the output channel axis.', { argument: 'channelAxis', hint: "'first' for ONNX weights [out, …], 'last' for TF.js kernels [… , out]." });
  const levels = 2 ** (bits - 1) - 1;
  const out = new Map<string, Tensor>();
  const quantized: QuantizedWeight[] = [];
  for (const name of selectWeights(weights, options.parameters)) {
    const w = weights.get(name)!;
    const axis = granularity === 'per-tensor' ? -1 : options.channelAxis === 'first' ? 0 : w.shape.length - 1;
    const channels = axis < 0 ? 1 : w.shape[axis]!;
    const inner = axis < 0 ? w.data.length : w.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const channelOf = (i: number): number => (axis < 0 ? 0 : Math.floor(i / inner) % channels);
    const maxAbs = new Float64Array(channels);
    for (let i = 0; i < w.data.length; i++) maxAbs[channelOf(i)] = Math.max(maxAbs[channelOf(i)]!, Math.abs(w.data[i]!));
    const scales = Float32Array.from(maxAbs, (m) => (m > 0 ? m / levels : 1));
    const data = new Float32Array(w.data.length);
    let maxError = 0;
    let squares = 0;
    for (let i = 0; i < data.length; i++) {
      const s = scales[channelOf(i)]!;
      const q = Math.max(-levels, Math.min(levels, Math.round(w.data[i]! / s)));
      data[i] = q === 0 ? 0 : q * s;
      const e = Math.abs(w.data[i]! - data[i]!);
      if (e > maxError) maxError = e;
      squares += e * e;
    }
    out.set(name, { data, shape: [...w.shape] });
    quantized.push({ name, scales, maxError, rmse: Math.sqrt(squares / Math.max(1, data.length)) });
  }
  return { weights: out, quantized, bits, granularity };
}
